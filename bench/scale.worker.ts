/**
 * One scale measurement in its own process (so RSS numbers are not mixed): build one engine over a
 * knowledge base of one size, then time queries and the serialise → parse → load round trip.
 * Spawned by search.bench.ts with one JSON argument; prints `BENCH_PARTIAL {json}` (build and query
 * numbers) and then `BENCH_RESULT {json}` on stdout, and `BENCH_PHASE {json}` progress on stderr.
 *
 *   node --expose-gc --import tsx bench/scale.worker.ts '{"engine":"ours","size":5000,...}'
 */
import { resolve } from 'node:path';
import { loadKnowledge } from '../src/content/loader';
import { SearchEngine, type SerializedIndex, analyzerFor } from '../src/search/engine';
import { readEvalSet } from '../src/search/eval';
import type { KnowledgeSearch, SearchResult } from '../src/search/types';
import { MiniSearchSearch } from './lib/peers';
import { mib, rng, shuffle, summarise, timeQueries } from './lib/stats';
import { syntheticContent } from './lib/synthetic';

export interface WorkerArgs {
  engine: 'ours' | 'minisearch';
  /** Total entries (shipped + synthetic), or 0 for the shipped base alone. */
  size: number;
  maxQueries: number;
  maxMs: number;
  knowledgeDir: string;
  devSet: string;
}

export interface WorkerResult {
  engine: WorkerArgs['engine'];
  size: number;
  entries: number;
  generateMs: number;
  analyzerMs: number;
  buildMs: number;
  rssBeforeBuildMiB: number;
  rssAfterBuildMiB: number;
  heapAfterBuildMiB: number;
  latency: ReturnType<typeof summarise>;
  /** Share of timed real-entry questions whose own entry came first (a sanity check at scale). */
  selfTop1: number;
  /** Share of timed queries with no result at all. */
  noResult: number;
  serial: {
    toJSONMs: number;
    stringifyMs: number;
    bytes: number;
    parseMs: number;
    loadMs: number;
    /** The loaded index gives the same top-3 ids as the built one on the first 20 queries. */
    sameAnswers: boolean;
    error?: string;
  };
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const started = performance.now();

/** Progress on stderr, so the parent can say which phase a killed or crashed worker was in. */
function phase(name: string): void {
  process.stderr.write(`BENCH_PHASE ${JSON.stringify({ phase: name, ms: Math.round(performance.now() - started), rssMiB: mib(process.memoryUsage().rss) })}\n`);
}

function main(): void {
  const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
  phase('generate');
  let t = performance.now();
  const shipped = loadKnowledge(resolve(args.knowledgeDir));
  const content = args.size > 0 ? syntheticContent(shipped, args.size) : shipped;
  const generateMs = performance.now() - t;

  // Queries: the dev set's in-scope questions plus the real entries' own questions, in a fixed order.
  const dev = readEvalSet(resolve(args.devSet));
  const owner = new Map<string, string>();
  for (const e of shipped.entries) if (e.locale === 'zh-CN') for (const q of e.questions) if (!owner.has(q)) owner.set(q, e.id);
  const queries = shuffle([...dev.in_scope.map((x) => x.q), ...owner.keys()], rng(7));

  t = performance.now();
  const analyzer = analyzerFor(content);
  const analyzerMs = performance.now() - t;
  gc();
  const rssBefore = process.memoryUsage().rss;

  phase('build');
  t = performance.now();
  const engine: SearchEngine | MiniSearchSearch =
    args.engine === 'ours' ? SearchEngine.build(content, analyzer) : MiniSearchSearch.build(content.entries, analyzer);
  const buildMs = performance.now() - t;
  gc();
  const mem = process.memoryUsage();

  phase('query');
  let owned = 0;
  let selfHits = 0;
  let empty = 0;
  const times = timeQueries(queries, (q) => engine.search(q, { top: 5 }), {
    warmup: Math.min(50, queries.length),
    maxQueries: args.maxQueries,
    maxMs: args.maxMs,
    onResult: (q, r) => {
      const res = r as SearchResult;
      if (!res.results.length) empty++;
      const id = owner.get(q);
      if (id) {
        owned++;
        if (res.results[0]?.id === id) selfHits++;
      }
    },
  });

  const serial: WorkerResult['serial'] = { toJSONMs: 0, stringifyMs: 0, bytes: 0, parseMs: 0, loadMs: 0, sameAnswers: false };
  const partial = {
    engine: args.engine,
    size: args.size,
    entries: content.entries.length,
    generateMs,
    analyzerMs,
    buildMs,
    rssBeforeBuildMiB: mib(rssBefore),
    rssAfterBuildMiB: mib(mem.rss),
    heapAfterBuildMiB: mib(mem.heapUsed),
    latency: summarise(times),
    selfTop1: owned ? selfHits / owned : Number.NaN,
    noResult: times.length ? empty / times.length : Number.NaN,
  };
  // If serialising runs out of memory, the parent still has the build and query numbers.
  process.stdout.write(`BENCH_PARTIAL ${JSON.stringify(partial)}\n`);

  phase('serialise');
  try {
    t = performance.now();
    const obj = engine.toJSON();
    serial.toJSONMs = performance.now() - t;
    t = performance.now();
    let text: string | undefined = JSON.stringify(obj);
    serial.stringifyMs = performance.now() - t;
    serial.bytes = Buffer.byteLength(text);
    t = performance.now();
    const parsed = JSON.parse(text) as unknown;
    serial.parseMs = performance.now() - t;
    text = undefined;
    t = performance.now();
    const loaded: KnowledgeSearch | undefined =
      args.engine === 'ours'
        ? SearchEngine.load(parsed as SerializedIndex, content, analyzer)
        : MiniSearchSearch.load(parsed as Record<string, unknown>, content.entries, analyzer);
    serial.loadMs = performance.now() - t;
    if (!loaded) throw new Error('SearchEngine.load refused its own index');
    const top3 = (s: KnowledgeSearch, q: string) => s.search(q, { top: 3 }).results.map((h) => h.id).join(',');
    serial.sameAnswers = queries.slice(0, 20).every((q) => top3(engine, q) === top3(loaded, q));
  } catch (e) {
    serial.error = (e as Error).message;
  }

  const result: WorkerResult = { ...partial, serial };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main();
