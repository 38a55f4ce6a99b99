/**
 * What citizens asked that found nothing, for editors: questions search was not confident about
 * (the unanswered records) and questions whose answer was rated unhelpful (feedback), grouped by
 * similarity of their search terms (Jaccard ≥ SIMILAR over the analysed words), largest group first,
 * each with its count, up to three examples (stored masked: never the raw text), the entries search
 * now suggests for it, and whether the live base already answers it confidently. Questions editors
 * dismissed as out of scope (knowledge/out-of-scope.yaml) are left out.
 * Contract: pure over the records and the engine given.
 */
import { createHash } from 'node:crypto';
import type { FeedbackRecord, UnansweredRecord } from '../dialogs';
import type { Locale } from '../content/schema';
import type { SearchEngine } from '../search/engine';

export const SIMILAR = 0.5;

export interface UnansweredGroup {
  /** Stable id of the group (its first question's terms). */
  id: string;
  question: string;
  count: number;
  locale: Locale;
  reasons: Record<string, number>;
  examples: string[];
  lastAt: string;
  suggestions: { id: string; title: string; score: number }[];
  answeredNow: boolean;
}

interface Item {
  q: string;
  at: string;
  locale: Locale;
  reason: string;
}

const jaccard = (a: Set<string>, b: Set<string>) => {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n / (a.size + b.size - n || 1);
};

export function groupUnanswered(
  unanswered: readonly UnansweredRecord[],
  feedback: readonly FeedbackRecord[],
  engine: SearchEngine,
  dismissed: readonly string[],
): UnansweredGroup[] {
  const gone = new Set(dismissed.map((d) => d.trim()));
  const items: Item[] = [
    ...unanswered.map((u) => ({ q: u.question, at: u.at, locale: u.locale, reason: u.reason })),
    ...feedback.filter((f) => !f.helpful && f.question).map((f) => ({ q: f.question!, at: f.at, locale: f.locale, reason: 'unhelpful' })),
  ].filter((i) => i.q.trim() && !gone.has(i.q.trim()));
  items.sort((a, b) => b.at.localeCompare(a.at));
  const groups: { terms: Set<string>; items: Item[] }[] = [];
  for (const it of items) {
    const terms = new Set(engine.analyzer.analyse(it.q).words);
    const g = groups.find((x) => x.items[0]!.locale === it.locale && (terms.size ? jaccard(x.terms, terms) >= SIMILAR : x.items[0]!.q === it.q));
    if (g) g.items.push(it);
    else groups.push({ terms, items: [it] });
  }
  return groups
    .map((g) => {
      const first = g.items[0]!;
      const r = engine.judge(first.q, { locale: first.locale });
      const reasons: Record<string, number> = {};
      for (const i of g.items) reasons[i.reason] = (reasons[i.reason] ?? 0) + 1;
      return {
        id: createHash('sha256').update(`${first.locale}|${[...g.terms].sort().join(' ') || first.q}`).digest('hex').slice(0, 12),
        question: first.q,
        count: g.items.length,
        locale: first.locale,
        reasons,
        examples: [...new Set(g.items.map((i) => i.q))].slice(0, 3),
        lastAt: first.at,
        suggestions: r.results.slice(0, 3).map((h) => ({ id: h.id, title: h.title, score: Number(h.score.toFixed(3)) })),
        answeredNow: r.confident && r.reason === 'strong',
      };
    })
    .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt));
}
