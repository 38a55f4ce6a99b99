/**
 * Import and export of the whole knowledge base as a table (content/tabular.ts: QnA Maker's
 * columns plus ours), for `npm run kb -- export|import`:
 *   export  every entry, in file order, with its front matter as written and its answer
 *   import  rows → entry files laid over the knowledge folder, validated exactly as `kb check`
 *           (validate.ts); nothing is written when there is any error; unchanged files are left
 *           alone, changed and new ones written atomically. Entries not in the table stay.
 * Contract: importTable() returns the plan and its issues; it writes only when asked and valid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContentIssue } from '../content/errors';
import { loadKnowledge } from '../content/loader';
import type { Locale } from '../content/schema';
import { type TableEntry, TableError } from '../content/tabular';
import { formatEntry, writeFileAtomic } from '../content/writer';
import { newEntryFile, readEntryDoc } from './entries';
import { checkContent, errorsIn } from './validate';

export function exportEntries(knowledgeDir: string): TableEntry[] {
  const c = loadKnowledge(knowledgeDir);
  return c.entries.flatMap((e) => {
    const doc = readEntryDoc(knowledgeDir, e);
    return doc ? [{ file: e.file, frontMatter: doc.frontMatter, body: doc.body }] : [];
  });
}

export interface ImportPlan {
  created: string[];
  changed: string[];
  unchanged: string[];
  issues: ContentIssue[];
  written: boolean;
}

export function importTable(knowledgeDir: string, dialogsDir: string, entries: readonly TableEntry[], o: { write: boolean }): ImportPlan {
  const live = loadKnowledge(knowledgeDir);
  const plan: ImportPlan = { created: [], changed: [], unchanged: [], issues: [], written: false };
  const files = new Map<string, string>();
  entries.forEach((e, i) => {
    const id = typeof e.frontMatter.id === 'string' ? e.frontMatter.id : '';
    if (!id) throw new TableError(i + 2, 'id', 'every entry needs an id (a lowercase slug)');
    const file = e.file || newEntryFile(live, id, String(e.frontMatter.topic ?? ''), (e.frontMatter.locale as Locale) ?? 'zh-CN');
    if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*\.md$/.test(file)) throw new TableError(i + 2, 'Source', `"${file}" is not an entry file path like labor/x.md`);
    if (files.has(file)) throw new TableError(i + 2, 'Source', `${file} appears for two entries`);
    const text = formatEntry(e.frontMatter, e.body);
    files.set(file, text);
    const path = join(knowledgeDir, file);
    if (!existsSync(path)) plan.created.push(file);
    else if (readFileSync(path, 'utf8') === text) plan.unchanged.push(file);
    else plan.changed.push(file);
  });
  const overrides = new Map([...files].filter(([f]) => !plan.unchanged.includes(f)));
  const next = loadKnowledge(knowledgeDir, overrides);
  plan.issues = checkContent(next, dialogsDir, overrides);
  if (o.write && !errorsIn(plan.issues).length) {
    for (const [f, text] of overrides) writeFileAtomic(join(knowledgeDir, f), text);
    plan.written = true;
  }
  return plan;
}
