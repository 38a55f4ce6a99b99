/**
 * Content checks that look across entries (reported by `kb check` and before every publish):
 *   near-duplicate questions  two entries hold questions that come to the same search terms (after
 *                             normalising, stop words and synonyms): search flips between them
 * (Entries with too few questions and follow-ups that do not resolve are loader errors: loader.ts.)
 * Contract: pure; `terms` is the search analyser's word list for a text (injected: content does not
 * import search).
 */
import type { ContentIssue } from './errors';
import type { KnowledgeContent } from './loader';

export function nearDuplicateQuestions(content: KnowledgeContent, terms: (text: string) => string[]): ContentIssue[] {
  const issues: ContentIssue[] = [];
  const owner = new Map<string, { entry: string; file: string; q: string }>();
  for (const e of content.entries) {
    e.questions.forEach((q, i) => {
      const words = [...new Set(terms(q))].sort();
      if (!words.length) return;
      const key = `${e.locale}|${words.join(' ')}`;
      const prev = owner.get(key);
      if (prev && prev.entry !== e.id) {
        issues.push({
          severity: 'warning',
          file: e.file,
          field: `questions.${i}`,
          message: `near-duplicate of "${prev.q}" in ${prev.file} (same search terms: ${words.join(' ')}); search may flip between the two entries — keep it in one`,
        });
      } else if (!prev) owner.set(key, { entry: e.id, file: e.file, q });
    });
  }
  return issues;
}
