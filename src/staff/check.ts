/**
 * The 12348 desk's content for `npm run kb -- check`: canned replies (knowledge/canned) and the
 * live-handoff lexicon (dialogs/lexicon/handoff.yaml), as content issues with file and field.
 */
import { join } from 'node:path';
import { LexiconError, loadHandoffLexicon } from '../cases/lexicon';
import type { ContentIssue } from '../content/errors';
import type { KnowledgeBase } from '../content/knowledge';
import { loadCanned } from './canned';

export function checkDeskContent(knowledgeDir: string, dialogsDir: string, kb: KnowledgeBase): ContentIssue[] {
  const issues: ContentIssue[] = loadCanned(join(knowledgeDir, 'canned'), (t) => !!kb.topic(t)).issues.map((i) => ({ severity: 'error', ...i }));
  try {
    loadHandoffLexicon(dialogsDir);
  } catch (e) {
    if (!(e instanceof LexiconError)) throw e;
    for (const p of e.problems) issues.push({ severity: 'error', file: 'dialogs/lexicon/handoff.yaml', field: p.split(':')[0] ?? '', message: p });
  }
  return issues;
}
