/**
 * `npm run kb -- export|import` and the check's additions: the knowledge base out to TSV and XLSX
 * (QnA Maker's columns plus id/topic/sources) and back loses nothing; an import with an error
 * writes nothing; `kb check` reports near-duplicate questions across entries, entries with too few
 * questions and follow-ups that do not resolve, with file and field.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadKnowledge } from '../../src/content/loader';
import { COLUMNS, fromRows, fromTsv, fromXlsx, toRows, toTsv, toXlsx } from '../../src/content/tabular';
import { exportEntries, importTable } from '../../src/editor/exchange';
import { KNOWLEDGE_DIR, knowledge } from '../helpers';

const DIALOGS = resolve(__dirname, '../../dialogs');
const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

async function kb(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/kb.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

describe('kb export and import (TSV, XLSX)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-exchange-'));
    cpSync(KNOWLEDGE_DIR, join(dir, 'knowledge'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const same = () => {
    const back = loadKnowledge(join(dir, 'knowledge'));
    assert.deepEqual(back.entries, knowledge().entries);
  };

  it('writes QnA Maker’s columns plus ours, one row per question', () => {
    const rows = toRows(exportEntries(KNOWLEDGE_DIR));
    const tsv = toTsv(rows);
    assert.equal(tsv.split('\n')[0], 'Question\tAnswer\tSource\tMetadata\tid\ttopic\tsources');
    assert.deepEqual([...COLUMNS], ['Question', 'Answer', 'Source', 'Metadata', 'id', 'topic', 'sources']);
    assert.equal(rows.length, knowledge().entries.reduce((n, e) => n + e.questions.length, 0));
    assert.equal(tsv.trimEnd().split('\n').length, rows.length + 1, 'answers with line breaks stay on one line');
    const r = rows.find((x) => x.Source === 'labor/labor-wage-arrears.md')!;
    assert.match(r.Metadata, /^title:被拖欠工资怎么办\|summary:.+\|kind:procedure\|route:12348\|keywords:拖欠工资,欠薪/);
    assert.equal(r.Source, 'labor/labor-wage-arrears.md');
  });

  it('round-trips the whole base through TSV without losing anything', () => {
    const tsv = toTsv(toRows(exportEntries(KNOWLEDGE_DIR)));
    const plan = importTable(join(dir, 'knowledge'), DIALOGS, fromRows(fromTsv(tsv)), { write: true });
    assert.deepEqual(plan.issues.filter((i) => i.severity === 'error'), []);
    assert.equal(plan.created.length, 0);
    same();
  });

  it('round-trips the whole base through XLSX without losing anything', async () => {
    const xlsx = await toXlsx(toRows(exportEntries(KNOWLEDGE_DIR)));
    const plan = importTable(join(dir, 'knowledge'), DIALOGS, fromRows(await fromXlsx(xlsx)), { write: true });
    assert.deepEqual(plan.issues.filter((i) => i.severity === 'error'), []);
    same();
  });

  it('writes nothing when an imported row is invalid, and names the file and field', () => {
    const rows = toRows(exportEntries(KNOWLEDGE_DIR));
    const file = join(dir, 'knowledge', 'labor/labor-wage-arrears.md');
    const before = readFileSync(file, 'utf8');
    const edited = rows.map((r) => (r.Source === 'labor/labor-wage-arrears.md' ? { ...r, Answer: `${r.Answer}\n\n补充一句。` } : r));
    edited.push({ Question: '新问题一', Answer: '这是一个从表格导入的新回答，内容足够长。', Source: '', Metadata: 'title:新条目', id: 'imported-new', topic: 'labor-wage-arrears', sources: '[]' });
    const plan = importTable(join(dir, 'knowledge'), DIALOGS, fromRows(fromTsv(toTsv(edited))), { write: true });
    assert.equal(plan.written, false);
    const where = plan.issues.filter((i) => i.severity === 'error').map((i) => `${i.file} ${i.field}`);
    for (const f of ['sources', 'summary', 'route', 'updated']) assert.ok(where.includes(`labor/imported-new.md ${f}`), `${f} in ${where.join(' | ')}`);
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('exports and imports from the command line', async () => {
    const env = { KNOWLEDGE_DIR: join(dir, 'knowledge'), DIALOGS_DIR: DIALOGS };
    const out = join(dir, 'kb.xlsx');
    const e = await kb(['export', out], env);
    assert.equal(e.code, 0, e.out);
    assert.match(e.out, new RegExp(`exported ${knowledge().entries.length} entries`));
    const i = await kb(['import', out, '--dry-run'], env);
    assert.equal(i.code, 0, i.out);
    assert.match(i.out, /0 new, \d+ changed, \d+ unchanged entries; 0 errors; nothing written/);
  });
});

describe('kb check additions', function () {
  this.timeout(120_000);
  it('reports near-duplicate questions across entries, too few questions and unresolved follow-ups, with file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-check-'));
    try {
      const k = join(dir, 'knowledge');
      cpSync(KNOWLEDGE_DIR, k, { recursive: true });
      const a = join(k, 'labor/labor-wage-arrears-complaint.md');
      const t = readFileSync(a, 'utf8');
      // 老板拖欠工资不给怎么办 is labor-wage-arrears's; the same question in traditional script under another entry.
      writeFileSync(a, t.replace('questions:\n', 'questions:\n  - 老闆拖欠工資不給怎麼辦\n').replace(/followups: \[/, 'followups: [no-such-entry, '));
      const b = join(k, 'labor/labor-wage-arrears-evidence.md');
      const tb = readFileSync(b, 'utf8');
      writeFileSync(b, tb.replace(/questions:\n((?:  - .*\n)+)/, (_m, qs: string) => `questions:\n${qs.split('\n').slice(0, 3).join('\n')}\n`));
      const r = await kb(['check'], { KNOWLEDGE_DIR: k, DIALOGS_DIR: DIALOGS });
      assert.equal(r.code, 1, r.out);
      // Files are read in name order: the complaint entry's copy is met first.
      assert.match(r.out, /WARNING labor\/labor-wage-arrears\.md \[questions\.0\]: near-duplicate of "老闆拖欠工資不給怎麼辦" in labor\/labor-wage-arrears-complaint\.md/);
      assert.match(r.out, /ERROR labor\/labor-wage-arrears-evidence\.md \[questions\]: has 3 questions/);
      assert.match(r.out, /ERROR labor\/labor-wage-arrears-complaint\.md \[followups\.0\]: follow-up "no-such-entry" is not an entry/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
