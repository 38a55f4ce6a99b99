/**
 * Search benchmark. All numbers come from one run on one machine:
 *   npm run bench               ~5–7 min; our engine at 50,000 entries gets a 90 s limit
 *   npm run bench -- --quick    ~2–3 min; no 50,000-entry run, no tsx-CLI start-up variant
 *   npm run bench -- --full     adds MiniSearch at 50,000 and lets 50,000-entry runs go to the end
 *
 *
 *   1. shipped base, same process: accuracy on test/fixtures/dev.yaml (via src/search/eval.ts) and
 *      query latency of our engine, plain Lunr (default pipeline) and MiniSearch (our Analyzer as
 *      tokenizer), timed interleaved round by round so machine noise hits all three alike
 *   2+3. scale, one child process per engine and size (RSS not mixed): shipped, 5,000 and 50,000
 *      entries (synthetic, recombined from the shipped ones; see lib/synthetic.ts): build time, RSS
 *      after build, query latency, index JSON size, stringify/parse/load times
 *   4. start-up to ready of the real server (src/index.ts), with and without a prebuilt index
 *
 * Every loop is bounded (query count and wall-clock budgets; child processes have time limits).
 * Prints Markdown tables and writes bench/results.json. Latency: performance.now() per query,
 * nearest-rank percentiles of the sorted times.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { loadKnowledge } from '../src/content/loader';
import { SearchEngine } from '../src/search/engine';
import { type EvalReport, evaluate, readEvalSet } from '../src/search/eval';
import { writeIndex } from '../src/search/store';
import type { KnowledgeSearch } from '../src/search/types';
import { MiniSearchSearch, PlainLunrSearch } from './lib/peers';
import { type StartupRun, startOnce } from './lib/startup';
import { type Latency, ms, summarise } from './lib/stats';
import type { WorkerArgs, WorkerResult } from './scale.worker';

const ROOT = resolve(__dirname, '..');
const KNOWLEDGE_DIR = join(ROOT, 'knowledge');
const DEV_SET = join(ROOT, 'test/fixtures/dev.yaml');
const QUICK = process.argv.includes('--quick');
const FULL = process.argv.includes('--full') && !QUICK;

const TARGETS = { shippedP99: 2, p99At5000: 20, startupMs: 2000 };

// ---------------------------------------------------------------- 1. same-process comparison

interface EngineRow {
  name: string;
  confidence: string;
  buildMs: number;
  accuracy: { top1: number; top3: number; outOfScopeRejected: string; falseRejection: number };
  latency: Latency;
  /** Plain Lunr only: queries on which idx.search threw. */
  throws?: { eval: number; timed: number };
}

function accuracyOf(r: EvalReport): EngineRow['accuracy'] {
  return { top1: r.top1, top3: r.top3, outOfScopeRejected: `${r.outOfScopeRejected}/${r.outOfScope}`, falseRejection: r.falseRejection };
}

function compareOnShipped(): { entries: number; queries: number; rows: EngineRow[] } {
  const content = loadKnowledge(KNOWLEDGE_DIR);
  const set = readEvalSet(DEV_SET);
  const queries = [...set.in_scope.map((x) => x.q), ...set.out_of_scope];

  let t = performance.now();
  const ours = SearchEngine.build(content);
  const oursMs = performance.now() - t;
  t = performance.now();
  const plain = new PlainLunrSearch(content.entries);
  const plainMs = performance.now() - t;
  t = performance.now();
  const mini = MiniSearchSearch.build(content.entries, ours.analyzer);
  const miniMs = performance.now() - t;

  const engines: { name: string; confidence: string; buildMs: number; search: KnowledgeSearch }[] = [
    { name: 'ours (SearchEngine)', confidence: 'calibrated (reason strong)', buildMs: oursMs, search: ours },
    { name: 'plain Lunr (default pipeline)', confidence: 'any result (no calibration)', buildMs: plainMs, search: plain },
    { name: 'MiniSearch + our Analyzer', confidence: 'any result (no calibration)', buildMs: miniMs, search: mini },
  ];
  const reports = engines.map((e) => evaluate(e.search, set));
  const evalThrows = plain.throws;

  // Warm up, then rounds of the whole query set, rotating which engine goes first.
  const minQueries = QUICK ? 600 : 2100;
  const rounds = Math.ceil(minQueries / queries.length);
  const times: number[][] = engines.map(() => []);
  for (const e of engines) for (let i = 0; i < 3; i++) for (const q of queries) e.search.search(q, { top: 5 });
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < engines.length; k++) {
      const i = (r + k) % engines.length;
      const s = engines[i]!.search;
      const out = times[i]!;
      for (const q of queries) {
        const t0 = performance.now();
        s.search(q, { top: 5 });
        out.push(performance.now() - t0);
      }
    }
  }
  const rows = engines.map((e, i) => ({
    name: e.name,
    confidence: e.confidence,
    buildMs: e.buildMs,
    accuracy: accuracyOf(reports[i]!),
    latency: summarise(times[i]!),
  })) as EngineRow[];
  rows[1]!.throws = { eval: evalThrows, timed: plain.throws - evalThrows };
  return { entries: content.entries.length, queries: queries.length, rows };
}

// ---------------------------------------------------------------- 2+3. scale, one child per run

interface ScaleSpec extends Omit<WorkerArgs, 'knowledgeDir' | 'devSet'> {
  timeoutMs: number;
}

interface ScaleRun {
  spec: ScaleSpec;
  wallMs: number;
  result?: WorkerResult;
  /** Why there is no result: time limit, crash (with the phase it was in). */
  error?: string;
  lastPhase?: { phase: string; ms: number; rssMiB: number };
  /** Peak RSS of the child (VmHWM from /proc, sampled every 500 ms; Linux only). */
  peakRssMiB?: number;
}

/** The child's peak resident set so far, from /proc/<pid>/status; undefined off Linux. */
function peakRss(pid: number | undefined): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

function runWorker(spec: ScaleSpec): Promise<ScaleRun> {
  const args: WorkerArgs = {
    engine: spec.engine,
    size: spec.size,
    maxQueries: spec.maxQueries,
    maxMs: spec.maxMs,
    knowledgeDir: KNOWLEDGE_DIR,
    devSet: DEV_SET,
  };
  const t0 = performance.now();
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'scale.worker.ts'), JSON.stringify(args)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    let timedOut = false;
    let peak: number | undefined;
    const sampler = setInterval(() => (peak = peakRss(child.pid) ?? peak), 500);
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString('utf8')).slice(-20_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      peak = peakRss(child.pid) ?? peak;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, spec.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sampler);
      const run: ScaleRun = { spec, wallMs: performance.now() - t0, peakRssMiB: peak };
      const phases = [...err.matchAll(/^BENCH_PHASE (.*)$/gm)];
      if (phases.length) run.lastPhase = JSON.parse(phases[phases.length - 1]![1]!) as ScaleRun['lastPhase'];
      const line = (tag: string) => out.split('\n').find((l) => l.startsWith(`${tag} `))?.slice(tag.length + 1);
      const final = line('BENCH_RESULT');
      const partial = line('BENCH_PARTIAL');
      if (final) run.result = JSON.parse(final) as WorkerResult;
      else {
        if (timedOut) run.error = `stopped at the ${Math.round(spec.timeoutMs / 1000)} s limit`;
        else if (/heap out of memory/i.test(err)) run.error = 'crashed: JavaScript heap out of memory';
        else run.error = `exited with ${signal ?? `code ${code}`}: ${err.replace(/^BENCH_PHASE.*$/gm, '').trim().split('\n').slice(-3).join(' | ')}`;
        // Built and queried, then failed while serialising: keep those numbers.
        if (partial) {
          const serial = { toJSONMs: Number.NaN, stringifyMs: Number.NaN, bytes: Number.NaN, parseMs: Number.NaN, loadMs: Number.NaN, sameAnswers: false, error: run.error };
          run.result = { ...(JSON.parse(partial) as Omit<WorkerResult, 'serial'>), serial };
        }
      }
      res(run);
    });
  });
}

function scaleSpecs(): ScaleSpec[] {
  const specs: ScaleSpec[] = [
    { engine: 'ours', size: 0, maxQueries: 3000, maxMs: 20_000, timeoutMs: 120_000 },
    { engine: 'minisearch', size: 0, maxQueries: 3000, maxMs: 20_000, timeoutMs: 120_000 },
    { engine: 'ours', size: 5000, maxQueries: 2000, maxMs: 40_000, timeoutMs: 200_000 },
    { engine: 'minisearch', size: 5000, maxQueries: 2000, maxMs: 20_000, timeoutMs: 120_000 },
  ];
  // 50,000 entries: ours last (largest). Measured separately, MiniSearch needs ~4 min to build
  // there and our engine runs out of heap while building (see RESULTS.md), so the default run
  // gives ours 90 s and reports how far it got; --full waits for the end (up to ~15 min).
  if (FULL) specs.push({ engine: 'minisearch', size: 50_000, maxQueries: 300, maxMs: 60_000, timeoutMs: 480_000 });
  if (!QUICK) specs.push({ engine: 'ours', size: 50_000, maxQueries: 500, maxMs: 30_000, timeoutMs: FULL ? 600_000 : 90_000 });
  return specs;
}

// ---------------------------------------------------------------- 4. start-up to ready

interface StartupVariant {
  name: string;
  expectSource: 'prebuilt' | 'rebuilt';
  warmup?: StartupRun;
  runs: StartupRun[];
  medianMs: number;
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : Number.NaN;
};

async function measureStartup(): Promise<StartupVariant[]> {
  const dir = mkdtempSync(join(tmpdir(), 'legal-aid-bench-'));
  try {
    // The same code path as `npm run kb -- build` (SearchEngine.build + writeIndex), into a temporary
    // file: kb build refuses while content has errors, and build/ is not ours to overwrite.
    const indexFile = join(dir, 'search-index.json');
    const writePrebuilt = () => writeIndex(SearchEngine.build(loadKnowledge(KNOWLEDGE_DIR)), indexFile);
    writePrebuilt();
    const env = (file: string) => ({ NODE_ENV: 'test', LOG_LEVEL: 'info', WATCH_CONTENT: 'false', SEARCH_INDEX_FILE: file });
    const node = (file: string) => () => startOnce(process.execPath, ['--import', 'tsx', 'src/index.ts'], ROOT, env(file));
    const tsxCli = (file: string) => () => startOnce(process.execPath, [require.resolve('tsx/cli'), 'src/index.ts'], ROOT, env(file));
    const variants: { name: string; expectSource: 'prebuilt' | 'rebuilt'; start: () => Promise<StartupRun> }[] = [
      { name: 'node --import tsx src/index.ts, prebuilt index', expectSource: 'prebuilt', start: node(indexFile) },
      { name: 'node --import tsx src/index.ts, no index (builds at start)', expectSource: 'rebuilt', start: node(join(dir, 'missing.json')) },
    ];
    if (!QUICK) variants.push({ name: 'tsx src/index.ts (npm start), prebuilt index', expectSource: 'prebuilt', start: tsxCli(indexFile) });

    const out: StartupVariant[] = [];
    for (const v of variants) {
      const warmup = await v.start();
      const runs: StartupRun[] = [];
      for (let i = 0; i < 3; i++) {
        let r = await v.start();
        // Content may change under us (editors at work): a stale prebuilt index is rebuilt once.
        if (v.expectSource === 'prebuilt' && r.source === 'rebuilt') {
          writePrebuilt();
          r = await v.start();
        }
        runs.push(r);
      }
      out.push({ name: v.name, expectSource: v.expectSource, warmup, runs, medianMs: median(runs.map((r) => r.readyMs)) });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '–');
const num = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const int = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

function sizeLabel(r: ScaleRun): string {
  return r.result ? `${r.result.entries.toLocaleString('en-US')}${r.spec.size ? '' : ' (shipped)'}` : r.spec.size ? r.spec.size.toLocaleString('en-US') : 'shipped';
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    loadavgAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    mode: QUICK ? 'quick' : FULL ? 'full' : 'default',
  };
  console.log(`search benchmark — ${machine.date}, node ${machine.node}, ${machine.cores} cores (${machine.cpu}), load ${machine.loadavgAtStart.join(' ')}, mode ${machine.mode}\n`);

  console.log('1. shipped base, same process …');
  const part1 = compareOnShipped();
  console.log(`\n### Accuracy and latency on the shipped base (${part1.entries} entries; dev set; ${part1.rows[0]!.latency.n} timed queries per engine)\n`);
  console.log(
    table(
      ['engine', 'top-1', 'top-3', 'out-of-scope rejected', 'in-scope false rejection', 'p50 ms', 'p99 ms', 'mean ms', 'p50 / plain Lunr p50', 'build ms', 'confident ='],
      part1.rows.map((r) => [
        r.name,
        pct(r.accuracy.top1),
        pct(r.accuracy.top3),
        r.accuracy.outOfScopeRejected,
        pct(r.accuracy.falseRejection),
        num(r.latency.p50, 3),
        num(r.latency.p99, 3),
        num(r.latency.mean, 3),
        `${num(r.latency.p50 / part1.rows[1]!.latency.p50, 1)}×`,
        int(r.buildMs),
        r.confidence,
      ]),
    ),
  );
  const lunrRow = part1.rows[1]!;
  console.log(`\nplain Lunr: idx.search threw on ${lunrRow.throws!.eval} of ${part1.queries} evaluation queries and ${lunrRow.throws!.timed} of ${lunrRow.latency.n} timed queries.`);

  console.log('\n2+3. scale runs, one child process each …');
  const scale: ScaleRun[] = [];
  for (const spec of scaleSpecs()) {
    process.stdout.write(`   ${spec.engine} @ ${spec.size || 'shipped'} … `);
    const r = await runWorker(spec);
    scale.push(r);
    console.log(r.result && !r.error ? `${(r.wallMs / 1000).toFixed(1)} s` : `${r.error} after ${(r.wallMs / 1000).toFixed(0)} s (in phase ${r.lastPhase?.phase ?? '?'}, peak RSS ${r.peakRssMiB ?? '?'} MiB)`);
  }
  console.log('\n### Scale: latency, build, memory, serialised index (one child process per row)\n');
  console.log(
    table(
      ['engine', 'entries', 'queries', 'p50 ms', 'p99 ms', 'max ms', 'own entry top-1', 'build s', 'RSS before → after build MiB', 'peak RSS MiB', 'index JSON MiB', 'stringify s', 'parse s', 'load s'],
      scale.map((r) => {
        const x = r.result;
        if (!x) return [r.spec.engine, sizeLabel(r), '–', '–', '–', '–', '–', `> ${int(r.wallMs / 1000)} (${r.error}, in ${r.lastPhase?.phase ?? '?'})`, '–', int(r.peakRssMiB), '–', '–', '–', '–'];
        const s = x.serial;
        return [
          x.engine,
          sizeLabel(r),
          String(x.latency.n),
          num(x.latency.p50, 3),
          num(x.latency.p99, 3),
          num(x.latency.max, 1),
          pct(x.selfTop1),
          num(x.buildMs / 1000, 2),
          `${int(x.rssBeforeBuildMiB)} → ${int(x.rssAfterBuildMiB)}`,
          int(r.peakRssMiB),
          s.error ? `error: ${s.error}` : num(s.bytes / 1024 / 1024, 1),
          num(s.stringifyMs / 1000, 2),
          num(s.parseMs / 1000, 2),
          `${num(s.loadMs / 1000, 2)}${s.sameAnswers ? '' : ' (answers differ!)'}`,
        ];
      }),
    ),
  );

  console.log('\n4. start-up to ready …');
  const startup = await measureStartup();
  console.log('\n### Start-up: spawn → first 200 from GET /healthz (median of 3, after 1 warm-up start)\n');
  console.log(
    table(
      ['how', 'median ms', 'runs ms', 'server readyMs (its log)', 'index source', 'warm-up ms'],
      startup.map((v) => [
        v.name,
        int(v.medianMs),
        v.runs.map((r) => (r.error ? `error: ${r.error}` : int(r.readyMs))).join(', '),
        v.runs.map((r) => int(r.appReadyMs)).join(', '),
        [...new Set(v.runs.map((r) => r.source ?? '?'))].join('/') + (v.runs.every((r) => r.source === v.expectSource) ? '' : ` (expected ${v.expectSource}!)`),
        int(v.warmup?.readyMs),
      ]),
    ),
  );

  const ours = (size: number) => scale.find((r) => r.spec.engine === 'ours' && r.spec.size === size)?.result;
  const shippedP99 = part1.rows[0]!.latency.p99;
  const at5000 = ours(5000)?.latency.p99;
  const at50000 = ours(50_000)?.latency.p99;
  const run50000 = scale.find((r) => r.spec.engine === 'ours' && r.spec.size === 50_000);
  const fail50000 = run50000 && !run50000.result ? `no result: ${run50000.error} in ${run50000.lastPhase?.phase ?? '?'} (peak RSS ${run50000.peakRssMiB ?? '?'} MiB)` : undefined;
  const startPre = startup[0]?.medianMs;
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : 'NOT met');
  const targets = {
    shippedP99: { target: TARGETS.shippedP99, measured: ms(shippedP99, 3), verdict: verdict(shippedP99 <= TARGETS.shippedP99) },
    p99At5000: { target: TARGETS.p99At5000, measured: at5000 === undefined ? null : ms(at5000, 3), verdict: verdict(at5000 === undefined ? undefined : at5000 <= TARGETS.p99At5000) },
    p99At50000: { target: null, measured: at50000 === undefined ? null : ms(at50000, 3), verdict: at50000 !== undefined ? 'reported' : (fail50000 ?? 'not measured') },
    startupPrebuiltMs: { target: TARGETS.startupMs, measured: startPre === undefined ? null : Math.round(startPre), verdict: verdict(startPre === undefined || Number.isNaN(startPre) ? undefined : startPre <= TARGETS.startupMs) },
  };
  console.log('\n### Targets\n');
  console.log(
    table(
      ['target', 'measured', 'verdict'],
      [
        [`p99 ≤ ${TARGETS.shippedP99} ms, shipped base (same-process run)`, `${num(shippedP99, 3)} ms`, targets.shippedP99.verdict],
        [`p99 ≤ ${TARGETS.p99At5000} ms at 5,000 entries`, at5000 === undefined ? '–' : `${num(at5000, 3)} ms`, targets.p99At5000.verdict],
        ['p99 at 50,000 entries (report only)', at50000 === undefined ? '–' : `${num(at50000, 3)} ms`, targets.p99At50000.verdict],
        [`start-up to ready ≤ ${TARGETS.startupMs} ms (prebuilt index)`, `${int(startPre)} ms`, targets.startupPrebuiltMs.verdict],
      ],
    ),
  );

  const totalS = (performance.now() - started) / 1000;
  const loadavgAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
  console.log(`\nfinished in ${totalS.toFixed(0)} s; load average at end ${loadavgAtEnd.join(' ')}`);
  const file = join(__dirname, 'results.json');
  writeFileSync(
    file,
    `${JSON.stringify({ machine: { ...machine, loadavgAtEnd, totalSeconds: Math.round(totalS) }, targets, shipped: part1, scale, startup }, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(4)) : v), 2)}\n`,
  );
  console.log(`wrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
