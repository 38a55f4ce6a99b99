/**
 * Evaluation of search and routing on a labelled set in the format of test/fixtures/dev.yaml:
 * top-1 / top-3 accuracy on in-scope questions (a question may accept several topics), the share of
 * out-of-scope questions rejected (not confident) and of in-scope questions wrongly rejected.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { KnowledgeSearch } from './types';

const evalFileSchema = z.object({
  in_scope: z.array(z.object({ q: z.string(), topic: z.union([z.string(), z.array(z.string())]) })).default([]),
  out_of_scope: z.array(z.coerce.string()).default([]),
  emergency: z.array(z.coerce.string()).default([]),
});
export type EvalSet = z.infer<typeof evalFileSchema>;

export function readEvalSet(path: string): EvalSet {
  return evalFileSchema.parse(parse(readFileSync(path, 'utf8')));
}

export interface EvalMiss {
  q: string;
  expected: string[];
  got: string[];
  confident: boolean;
}

export interface EvalReport {
  inScope: number;
  top1: number;
  top3: number;
  outOfScope: number;
  outOfScopeRejected: number;
  falseRejection: number;
  misses: EvalMiss[];
  /** Out-of-scope questions answered confidently. */
  leaks: { q: string; got: string }[];
}

export function evaluate(search: KnowledgeSearch, set: EvalSet): EvalReport {
  let top1 = 0;
  let top3 = 0;
  let rejected = 0;
  const misses: EvalMiss[] = [];
  for (const item of set.in_scope) {
    const expected = Array.isArray(item.topic) ? item.topic : [item.topic];
    const r = search.search(item.q, { top: 3 });
    const got = r.results.map((h) => h.topic);
    const ok1 = got[0] !== undefined && expected.includes(got[0]);
    if (ok1) top1++;
    if (got.some((t) => expected.includes(t))) top3++;
    if (!r.confident) rejected++;
    if (!ok1 || !r.confident) misses.push({ q: item.q, expected, got, confident: r.confident });
  }
  const leaks: { q: string; got: string }[] = [];
  for (const q of set.out_of_scope) {
    const r = search.search(q, { top: 3 });
    if (r.confident) leaks.push({ q, got: r.results[0]?.id ?? '' });
  }
  const n = set.in_scope.length || 1;
  return {
    inScope: set.in_scope.length,
    top1: top1 / n,
    top3: top3 / n,
    outOfScope: set.out_of_scope.length,
    outOfScopeRejected: set.out_of_scope.length - leaks.length,
    falseRejection: rejected / n,
    misses,
    leaks,
  };
}
