/**
 * Editors' and developers' command line for the knowledge base:
 *   npm run kb -- check               validate knowledge and dialogs; exit 1 on errors (warnings listed)
 *   npm run kb -- build               build the search index file ahead of time
 *   npm run kb -- search "<text>"     show ranked hits with confidence and why they matched
 *   npm run kb -- eval <file.yaml>…   accuracy and rejection rates on labelled sets, each half of a
 *                                     blind set apart (tune, holdout); no file: every set in test/fixtures
 *   npm run kb -- calibrate [files]   fit the confidence verdict on the tune halves (src/search/calibration.json)
 *   npm run kb -- export <file.tsv|file.xlsx>   the whole base as a table (QnA Maker's columns + id/topic/sources)
 *   npm run kb -- import <file.tsv|file.xlsx> [--dry-run]   table → entry files, checked as `check` first;
 *                                     nothing is written when there is any error
 */
import { resolve } from 'node:path';
import { formatIssues } from '../content/errors';
import { KnowledgeBase } from '../content/knowledge';
import { errorsOf, loadKnowledge } from '../content/loader';
import { evaluateEmergency, formatEmergencyReport, loadFlows, readEmergencySet } from '../dialogs';
import { evaluateTalk, formatTalkReport, readTalkFile } from '../bot/talk-eval';
import { SearchEngine } from '../search/engine';
import { writeFileSync } from 'node:fs';
import { type CalibrationFile, calibrationTable, chooseThreshold, fitCalibration } from '../search/calibration';
import { type EvalReport, type EvalSet, evalSetFiles, evaluate, readEvalHalves, verdictSamples } from '../search/eval';
import { writeIndex } from '../search/store';
import { readFileSync } from 'node:fs';
import { fromRows, fromTsv, fromXlsx, TableError, toRows, toTsv, toXlsx } from '../content/tabular';
import { exportEntries, importTable } from '../editor/exchange';
import { checkContent } from '../editor/validate';

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
    // Also the desk's content (canned replies, handoff lexicon), laws.yaml, golden.yaml and
    // near-duplicate questions: the same check the editor runs before every save.
    const issues = checkContent(c, DIALOGS_DIR);
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
    const files = args.filter((a) => !a.startsWith('--'));
    const content = loadKnowledge(KNOWLEDGE_DIR);
    const e = SearchEngine.build(content);
    const kb = new KnowledgeBase(content);
    const flows = loadFlows(DIALOGS_DIR, kb);
    for (const file of files.length ? files : DEFAULT_SETS) {
      // Misses are shown for the tuning half only: reading the held-out half would tune on it.
      const showMisses = (half: string) => args.includes('--misses') && half === 'tune';
      for (const [half, set] of Object.entries(readEvalHalves(file))) {
        const r = evaluate(e, set as EvalSet);
        if (!r.inScope && !r.outOfScope) continue;
        console.log(`${file} [${half}] search`);
        printReport(r);
        if (showMisses(half)) {
          for (const m of r.misses) console.log(`  miss: ${m.q} → ${m.got.join(', ')} (want ${m.expected.join('|')}, confident ${m.confident})`);
          for (const l of r.leaks) console.log(`  leak: ${l.q} → ${l.got}`);
        }
      }
      for (const [half, set] of Object.entries(readEmergencySet(file))) {
        if (!set || (!set.emergency.length && !set.past_harm.length)) continue;
        const r = evaluateEmergency(flows.emergency, set);
        console.log(formatEmergencyReport(`${file} [${half}] danger`, r));
        if (showMisses(half)) for (const m of r.misses) console.log(`  ${m.kind}: ${m.q} ${m.matched.join(' ')}`);
      }
      if (/\/talk(-[a-z])?\.yaml$/.test(file)) {
        const talk = readTalkFile(file);
        for (const half of ['tune', 'holdout'] as const) {
          const r = await evaluateTalk(talk[half], { kb, search: e, flows });
          console.log(`${file} [${half}] conversation`);
          console.log(formatTalkReport(r, { failures: showMisses(half) }));
        }
      }
    }
    return 0;
  },

  async export(args) {
    const file = args[0];
    if (!file || !/\.(tsv|xlsx)$/.test(file)) {
      console.error('usage: npm run kb -- export <file.tsv|file.xlsx>');
      return 2;
    }
    const entries = exportEntries(KNOWLEDGE_DIR);
    const rows = toRows(entries);
    writeFileSync(file, file.endsWith('.tsv') ? toTsv(rows) : await toXlsx(rows));
    console.log(`exported ${entries.length} entries (${rows.length} question rows) to ${file}`);
    return 0;
  },

  async import(args) {
    const file = args.find((a) => !a.startsWith('--'));
    if (!file || !/\.(tsv|xlsx)$/.test(file)) {
      console.error('usage: npm run kb -- import <file.tsv|file.xlsx> [--dry-run]');
      return 2;
    }
    try {
      const rows = file.endsWith('.tsv') ? fromTsv(readFileSync(file, 'utf8')) : await fromXlsx(readFileSync(file));
      const plan = importTable(KNOWLEDGE_DIR, DIALOGS_DIR, fromRows(rows), { write: !args.includes('--dry-run') });
      const errors = plan.issues.filter((i) => i.severity === 'error');
      if (errors.length) console.error(formatIssues(errors));
      console.log(`${plan.created.length} new, ${plan.changed.length} changed, ${plan.unchanged.length} unchanged entries; ${errors.length} errors; ${plan.written ? 'written' : 'nothing written'}`);
      for (const f of [...plan.created, ...plan.changed]) console.log(`  ${plan.created.includes(f) ? 'new' : 'changed'} ${f}`);
      return errors.length ? 1 : 0;
    } catch (e) {
      if (!(e instanceof TableError)) throw e;
      console.error(`${file}: ${e.message}`);
      return 1;
    }
  },

  async calibrate(args) {
    const files = args.length ? args : DEFAULT_SETS;
    const e = engine();
    const samples = files.flatMap((f) => {
      const tune = readEvalHalves(f).tune;
      return tune ? verdictSamples(e, tune) : [];
    });
    const model = fitCalibration(samples);
    const threshold = chooseThreshold(model, samples);
    const file: CalibrationFile = {
      fittedOn: files.map((f) => `${f} [tune]`),
      fittedAt: new Date().toISOString().slice(0, 10),
      ...model,
      threshold,
      table: calibrationTable(model, samples),
    };
    writeFileSync(CALIBRATION_FILE, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`fitted on ${samples.length} questions (${samples.filter((s) => s.outOfScope).length} out of scope); threshold ${threshold}`);
    console.log('probability  questions  top topic right');
    for (const row of file.table) console.log(`${row.from.toFixed(1)}–${row.to.toFixed(1)}     ${String(row.n).padStart(5)}      ${row.n ? pct(row.right / row.n) : '-'}`);
    console.log(`written to ${CALIBRATION_FILE}; rerun eval to see both halves`);
    return 0;
  },
};

/** The labelled sets the project keeps (dev and team sets; blind sets in two halves). */
const DEFAULT_SETS = evalSetFiles('test/fixtures');
const CALIBRATION_FILE = resolve(__dirname, '../search/calibration.json');

function printReport(r: EvalReport): void {
  if (r.inScope) {
    console.log(`  in-scope questions:        ${r.inScope}`);
    console.log(`  top-1 accuracy:            ${pct(r.top1)}`);
    console.log(`  top-3 accuracy:            ${pct(r.top3)}`);
    console.log(`  answered confidently:      ${pct(1 - r.falseRejection)} (right topic: ${pct(r.confidentRight)})`);
  }
  if (r.outOfScope) console.log(`  out-of-scope rejected:     ${r.outOfScopeRejected} of ${r.outOfScope}`);
}

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
