/**
 * Editors' and developers' command line for the knowledge base:
 *   npm run kb -- check               validate knowledge and dialogs; exit 1 on errors (warnings listed)
 *   npm run kb -- build               build the search index file ahead of time
 *   npm run kb -- search "<text>"     show ranked hits with confidence and why they matched
 *   npm run kb -- eval <file.yaml>    accuracy and rejection rates on a labelled set
 */
import { resolve } from 'node:path';
import { formatIssues } from '../content/errors';
import { KnowledgeBase } from '../content/knowledge';
import { errorsOf, loadKnowledge } from '../content/loader';
import { checkDialogs } from '../dialogs';
import { SearchEngine } from '../search/engine';
import { evaluate, readEvalSet } from '../search/eval';
import { writeIndex } from '../search/store';

const KNOWLEDGE_DIR = resolve(process.env.KNOWLEDGE_DIR ?? 'knowledge');
const DIALOGS_DIR = resolve(process.env.DIALOGS_DIR ?? 'dialogs');
const INDEX_FILE = resolve(process.env.SEARCH_INDEX_FILE ?? 'build/search-index.json');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function engine(): SearchEngine {
  const c = loadKnowledge(KNOWLEDGE_DIR);
  const errors = errorsOf(c);
  if (errors.length) console.error(`warning: content has ${errors.length} errors (run kb check); searching what is valid`);
  return SearchEngine.build(c);
}

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  async check() {
    const c = loadKnowledge(KNOWLEDGE_DIR);
    // Flows, templates and translations are checked against the same content (entry ids, routes).
    const issues = [...c.issues, ...checkDialogs(DIALOGS_DIR, new KnowledgeBase(c)).map((i) => ({ ...i, file: `dialogs/${i.file}` }))];
    const errors = issues.filter((i) => i.severity === 'error');
    const warnings = issues.filter((i) => i.severity === 'warning');
    if (warnings.length) console.log(formatIssues(warnings));
    if (errors.length) console.error(formatIssues(errors));
    console.log(
      `${c.entries.length} entries, ${c.topics.length} topics, ${c.hotlines.length} hotlines, ${c.districts.length} districts: ` +
        `${errors.length} errors, ${warnings.length} warnings`,
    );
    return errors.length ? 1 : 0;
  },

  async build() {
    const c = loadKnowledge(KNOWLEDGE_DIR);
    const errors = errorsOf(c);
    if (errors.length) {
      console.error(formatIssues(errors));
      console.error('not building: fix the errors above first');
      return 1;
    }
    const t0 = performance.now();
    const e = SearchEngine.build(c);
    const ms = performance.now() - t0;
    const bytes = writeIndex(e, INDEX_FILE);
    console.log(`built ${e.size} entries in ${ms.toFixed(0)} ms → ${INDEX_FILE} (${(bytes / 1024).toFixed(0)} KiB, content ${e.hash})`);
    return 0;
  },

  async search(args) {
    const q = args.join(' ');
    if (!q.trim()) {
      console.error('usage: npm run kb -- search "<question>" (optionally --en)');
      return 2;
    }
    const en = args.includes('--en');
    const r = engine().search(q.replace(/\s*--en\b/, ''), { top: 5, locale: en ? 'en' : 'zh-CN' });
    console.log(`terms: ${r.terms.join(' ') || '(none)'}`);
    console.log(`confident: ${r.confident} (${r.reason})`);
    r.results.forEach((h, i) => {
      const x = h.explain;
      console.log(`${i + 1}. ${h.score.toFixed(3)} ${h.id} [${h.topic}] ${h.title}`);
      console.log(`   similarity ${x.similarity} coverage ${x.coverage} lunr ${x.lunr}; closest: ${x.bestQuestion ?? '-'}`);
      console.log(`   matched: ${Object.entries(x.terms).map(([f, t]) => `${f}=${t.join(',')}`).join(' ')}`);
    });
    return 0;
  },

  async eval(args) {
    const file = args[0];
    if (!file) {
      console.error('usage: npm run kb -- eval <file.yaml> [--misses]');
      return 2;
    }
    const r = evaluate(engine(), readEvalSet(file));
    console.log(`in-scope questions:        ${r.inScope}`);
    console.log(`top-1 accuracy:            ${pct(r.top1)}`);
    console.log(`top-3 accuracy:            ${pct(r.top3)}`);
    console.log(`out-of-scope rejected:     ${r.outOfScopeRejected} of ${r.outOfScope}`);
    console.log(`in-scope false rejection:  ${pct(r.falseRejection)}`);
    if (args.includes('--misses')) {
      for (const m of r.misses) console.log(`  miss: ${m.q} → ${m.got.join(', ')} (want ${m.expected.join('|')}, confident ${m.confident})`);
      for (const l of r.leaks) console.log(`  leak: ${l.q} → ${l.got}`);
    }
    return 0;
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const cmd = name ? commands[name] : undefined;
  if (!cmd) {
    console.error(`usage: npm run kb -- <${Object.keys(commands).join('|')}> [args]`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await cmd(args);
}

void main();
