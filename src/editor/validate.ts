/**
 * The one content check, used by `npm run kb -- check` and by the editor before every save, so a
 * draft is validated exactly as the command line would validate it once written: the loader's
 * issues, the dialogs (flows, templates and translations naming entries), the desk's content,
 * laws.yaml and golden.yaml, and near-duplicate questions across entries.
 * Contract: pure over the given content and folders; every issue has file and field.
 */
import type { ContentIssue } from '../content/errors';
import { checkGolden, GOLDEN_FILE, LAWS_FILE, readGolden, readLaws } from '../content/editorial';
import { KnowledgeBase } from '../content/knowledge';
import { nearDuplicateQuestions } from '../content/lint';
import type { ContentOverrides, KnowledgeContent } from '../content/loader';
import { checkDialogs } from '../dialogs';
import type { Analyzer } from '../search/pipeline';
import { analyzerFor } from '../search/engine';
import { checkDeskContent } from '../staff/check';

export function checkContent(c: KnowledgeContent, dialogsDir: string, overrides?: ContentOverrides, analyzer?: Analyzer): ContentIssue[] {
  const kb = new KnowledgeBase(c);
  const editorial: ContentIssue[] = [];
  readLaws(c.root, editorial, overrides?.get(LAWS_FILE));
  const golden = readGolden(c.root, editorial, overrides?.get(GOLDEN_FILE));
  const a = analyzer ?? analyzerFor(c);
  return [
    ...c.issues,
    ...checkDialogs(dialogsDir, kb).map((i) => ({ ...i, file: `dialogs/${i.file}` })),
    ...checkDeskContent(c.root, dialogsDir, kb),
    ...editorial,
    ...checkGolden(c, golden),
    // Numbers are kept: 消法25条 and 消法55条 are different questions although the analyser drops digits.
    ...nearDuplicateQuestions(c, (q) => [...a.analyse(q).words, ...(q.match(/\d+/g) ?? [])]),
  ];
}

export const errorsIn = (issues: ContentIssue[]) => issues.filter((i) => i.severity === 'error');
