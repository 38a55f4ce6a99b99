/**
 * Timing helpers for the search benchmark: per-query times from performance.now(), percentiles by
 * nearest rank on the sorted array (p99 of 2,000 samples is the 1,980th smallest), and bounded
 * measurement loops (a query budget and a wall-clock budget, whichever ends first).
 */

export interface Latency {
  /** Number of timed queries. */
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarise(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  let total = 0;
  for (const t of sorted) total += t;
  return {
    n: sorted.length,
    mean: sorted.length ? total / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/**
 * Time `run` on queries taken round-robin from `queries`, after `warmup` untimed calls, until
 * `maxQueries` were timed or `maxMs` of wall clock passed. Returns the per-query times (ms);
 * `onResult` sees each answer outside the timed span.
 */
export function timeQueries(
  queries: readonly string[],
  run: (q: string) => unknown,
  opts: { warmup: number; maxQueries: number; maxMs: number; onResult?: (q: string, result: unknown) => void },
): number[] {
  if (!queries.length) return [];
  for (let i = 0; i < opts.warmup; i++) run(queries[i % queries.length]!);
  const times: number[] = [];
  const deadline = performance.now() + opts.maxMs;
  for (let i = 0; i < opts.maxQueries; i++) {
    const q = queries[i % queries.length]!;
    const t0 = performance.now();
    const r = run(q);
    const t1 = performance.now();
    times.push(t1 - t0);
    opts.onResult?.(q, r);
    if (t1 > deadline) break;
  }
  return times;
}

/**
 * Deterministic PRNG (mulberry32) so synthetic bases and query orders are the same on every run:
 * the fuzz inputs' generator (test/http/fuzz-inputs.ts), one copy for tests and benches.
 */
export { rng } from '../../test/http/fuzz-inputs';

export function shuffle<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

export function ms(x: number, digits = 2): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : x;
}
