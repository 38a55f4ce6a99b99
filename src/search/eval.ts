/**
 * Evaluation of search and routing on a labelled set in the format of test/fixtures/dev.yaml:
 * top-1 / top-3 accuracy on in-scope questions (a question may accept several topics), the share of
 * out-of-scope questions rejected (not confident) and of in-scope questions wrongly rejected.
 *
 * Blind sets (test/fixtures/blind/*.yaml) come in two halves, `tune` and `holdout`: tuning looks at
 * the first only; both are reported, so a gain that does not carry over to the held-out half shows.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Sample } from './calibration';
import type { SearchEngine } from './engine';
import { searchLocale } from './locale';
import type { KnowledgeSearch } from './types';

const evalFileSchema = z.object({
  in_scope: z.array(z.object({ q: z.coerce.string(), topic: z.union([z.string(), z.array(z.string())]) })).default([]),
  out_of_scope: z.array(z.coerce.string()).default([]),
  emergency: z.array(z.coerce.string()).default([]),
});
export type EvalSet = z.infer<typeof evalFileSchema>;

export function readEvalSet(path: string): EvalSet {
  return evalFileSchema.parse(parse(readFileSync(path, 'utf8')));
}

/**
 * The labelled sets the project keeps under `fixtures`: dev.yaml and extra.yaml (our own), then every
 * blind set in blind/ by name — a new blind set is measured everywhere once its file is committed.
 */
export function evalSetFiles(fixtures: string): string[] {
  const blind = join(fixtures, 'blind');
  const sets = readdirSync(blind).filter((f) => f.endsWith('.yaml')).sort();
  return [join(fixtures, 'dev.yaml'), join(fixtures, 'extra.yaml'), ...sets.map((f) => join(blind, f))];
}

export const HALVES = ['tune', 'holdout'] as const;
export type Half = (typeof HALVES)[number];

/**
 * The halves of a blind set ({tune: {...}, holdout: {...}}), or the whole file as one `tune` half
 * when it has none (dev.yaml, extra.yaml). Other keys of a half (past_harm, …) are ignored here.
 */
export function readEvalHalves(path: string): Partial<Record<Half, EvalSet>> {
  const raw = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || !('tune' in raw || 'holdout' in raw)) return { tune: evalFileSchema.parse(raw) };
  const out: Partial<Record<Half, EvalSet>> = {};
  for (const h of HALVES) if (raw[h]) out[h] = searchView(halfSchema.parse(raw[h]));
  return out;
}

const question = z.object({ q: z.coerce.string(), topic: z.union([z.string(), z.array(z.string())]) });
const halfSchema = z.object({
  in_scope: z.array(question).default([]),
  /** Legal questions about harm that is over: search must find their answer like any other. */
  past_harm: z.array(question).default([]),
  out_of_scope: z.array(z.coerce.string()).default([]),
  /** Small talk and thanks: the dialogs answer them before search, which must not be sure of them. */
  chitchat: z.array(z.coerce.string()).default([]),
  acknowledgement: z.array(z.coerce.string()).default([]),
});

/** What search is judged on in one half of a blind set. */
function searchView(h: z.infer<typeof halfSchema>): EvalSet {
  return { in_scope: [...h.in_scope, ...h.past_harm], out_of_scope: [...h.out_of_scope, ...h.chitchat, ...h.acknowledgement], emergency: [] };
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
  /** In-scope questions answered confidently with an acceptable topic first. */
  confidentRight: number;
  misses: EvalMiss[];
  /** Out-of-scope questions answered confidently. */
  leaks: { q: string; got: string }[];
}

export function evaluate(search: KnowledgeSearch, set: EvalSet): EvalReport {
  let top1 = 0;
  let top3 = 0;
  let rejected = 0;
  let confidentRight = 0;
  const misses: EvalMiss[] = [];
  for (const item of set.in_scope) {
    const expected = Array.isArray(item.topic) ? item.topic : [item.topic];
    const r = search.search(item.q, { top: 3, locale: searchLocale(item.q, 'zh-CN') });
    const got = r.results.map((h) => h.topic);
    const ok1 = got[0] !== undefined && expected.includes(got[0]);
    if (ok1) top1++;
    if (got.some((t) => expected.includes(t))) top3++;
    if (!r.confident) rejected++;
    else if (ok1) confidentRight++;
    if (!ok1 || !r.confident) misses.push({ q: item.q, expected, got, confident: r.confident });
  }
  const leaks: { q: string; got: string }[] = [];
  for (const q of set.out_of_scope) {
    const r = search.search(q, { top: 3, locale: searchLocale(q, 'zh-CN') });
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
    confidentRight: confidentRight / n,
    misses,
    leaks,
  };
}

/** What the verdict is fitted on: the features of each question's best hit and whether it was right. */
export function verdictSamples(engine: Pick<SearchEngine, 'judge'>, set: EvalSet): Sample[] {
  const out: Sample[] = [];
  for (const item of set.in_scope) {
    const expected = Array.isArray(item.topic) ? item.topic : [item.topic];
    const r = engine.judge(item.q, { locale: searchLocale(item.q, 'zh-CN') });
    if (r.features) out.push({ features: r.features, right: expected.includes(r.results[0]?.topic ?? ''), outOfScope: false, actable: r.actable === true });
  }
  for (const q of set.out_of_scope) {
    const r = engine.judge(q, { locale: searchLocale(q, 'zh-CN') });
    if (r.features) out.push({ features: r.features, right: false, outOfScope: true, actable: r.actable === true });
  }
  return out;
}
