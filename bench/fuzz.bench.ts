/**
 * The long hostile-input run (issue 10), written down in bench/RESULTS.md:
 *   1. fuzz: N seeded inputs (test/http/fuzz-inputs.ts) across /api/messages, Direct Line,
 *      /wechat and /api/kb/search against the wired runtime on a real port; counts by status;
 *   2. memory: RSS and heap before and after 40,000 conversations (a greeting + a question each,
 *      STATE_STORE=memory), read twice with --expose-gc: right after one gc() ("afterGc", what this
 *      bench used to report) and once V8 has handed freed pages back ("settled": gc() four times
 *      250 ms apart, 3 s idle, four more). Each reading gives rss, heapUsed, heapTotal, external,
 *      arrayBuffers and /proc's RssAnon/RssFile; --every K adds a reading every K conversations
 *      (to see whether memory grows with conversations or plateaus). By default the turns go through
 *      the runtime's own InProcessAdapter (the same bot, state and records as every channel; the
 *      HTTP layer costs CPU, not memory, and the shared 2-core machine cannot afford 80,000 HTTP
 *      turns in the time); --via http sends them to /api/messages.
 *
 *   node --expose-gc --import tsx bench/fuzz.bench.ts [--root DIR] [--n 20000] [--conversations 40000] [--via adapter|http] [--every 10000]
 * --root runs another checkout's src/index.ts (e.g. `git worktree add /tmp/old <commit>`) with the
 * same inputs, to measure the code before the fixes. RATE_LIMITS=off (inputs must reach handlers).
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type DirectLineSession, directLineRequest, type FuzzRequest, messagesRequest, rng, searchRequest, wechatRequest } from '../test/http/fuzz-inputs';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const ROOT = resolve(arg('root', resolve(__dirname, '..')));
const N = Number(arg('n', '20000'));
const CONVERSATIONS = Number(arg('conversations', '40000'));
const TOKEN = 'fuzz-token';
const VIA = arg('via', 'adapter');
const EVERY = Number(arg('every', '0'));

async function send(base: string, q: FuzzRequest): Promise<number> {
  try {
    const res = await fetch(`${base}${q.path}`, { method: q.method, headers: q.headers, body: q.body, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return -1;
  }
}

const mb = (n: number) => Math.round(n / 1048576);
const rss = () => {
  global.gc?.();
  return process.memoryUsage().rss;
};
/** process.memoryUsage() in MB plus the kernel's split of RSS (anonymous vs file-backed pages). */
const memory = () => {
  const m = process.memoryUsage();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => Number(/(\d+)/.exec(status.split('\n').find((l) => l.startsWith(`${k}:`)) ?? '')?.[1] ?? NaN);
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), rssAnon: Math.round(kb('RssAnon') / 1024), rssFile: Math.round(kb('RssFile') / 1024), peakRss: Math.round(kb('VmHWM') / 1024) };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Collected and given back: V8 frees old-space pages on background threads after a GC. */
const settled = async () => {
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 4; i++) {
      global.gc?.();
      await sleep(250);
    }
    if (round === 0) await sleep(3000);
  }
  return memory();
};

async function main() {
  process.chdir(ROOT);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadConfig } = require(`${ROOT}/src/config`) as typeof import('../src/config');
  const { buildRuntime } = require(`${ROOT}/src/index`) as typeof import('../src/index');
  const { createLogger } = require(`${ROOT}/src/logger`) as typeof import('../src/logger');
  const rt = buildRuntime(
    loadConfig({ WECHAT_TOKEN: TOKEN, SEARCH_INDEX_FILE: '/nonexistent/index.json', CASES_DB: ':memory:', RATE_LIMITS: 'off', DIRECTLINE_SECRET: 'bench-secret-0123456789abcdef' }),
    createLogger('silent'),
  );
  await (rt as unknown as { caseDb?: { ready?: Promise<unknown> } }).caseDb?.ready;
  const server: Server = await new Promise((r) => {
    const s = rt.app.listen(0, '127.0.0.1', () => r(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rss0 = rss();
  const heap0 = mb(process.memoryUsage().heapUsed);
  const memStart = await settled();

  // ---- 1. fuzz -------------------------------------------------------------------------------
  const sessions: DirectLineSession[] = [];
  for (let i = 0; i < 10; i++) {
    const t = (await (await fetch(`${base}/api/webchat/token`, { method: 'POST' })).json()) as DirectLineSession;
    await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${t.token}` } });
    sessions.push(t);
  }
  const r = rng(424242);
  const conversations = Array.from({ length: 50 }, (_, i) => `bench-conv-${i}`);
  const byFamily: Record<string, Record<string, number>> = {};
  let done = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (done < N) {
      done++;
      const x = r();
      const q = x < 0.3 ? messagesRequest(r, conversations) : x < 0.6 ? directLineRequest(r, sessions) : x < 0.85 ? wechatRequest(r, TOKEN) : searchRequest(r);
      const st = await send(base, q);
      const fam = (byFamily[q.family] ??= {});
      fam[st] = (fam[st] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  console.error(`fuzz done: ${N} inputs`);
  const fuzzMs = performance.now() - t0;
  const healthy = (await fetch(`${base}/healthz`)).status;
  const rss1 = rss();
  const fiveXX = Object.fromEntries(Object.entries(byFamily).map(([f, c]) => [f, Object.entries(c).filter(([s]) => Number(s) >= 500 || Number(s) < 0).reduce((a, [, n]) => a + n, 0)]));

  // ---- 2. memory after many conversations ----------------------------------------------------
  let convDone = 0;
  let convErrors = 0;
  const checkpoints: ({ conversations: number } & ReturnType<typeof memory>)[] = [];
  const t1 = performance.now();
  const convWorker = async () => {
    while (convDone < CONVERSATIONS) {
      const i = convDone++;
      const activity = (text: string, type = 'message') => ({
        type, text, channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', deliveryMode: 'expectReplies',
        conversation: { id: `mem-${i}` }, from: { id: `mem-user-${i}` }, recipient: { id: 'bot' },
        ...(type === 'conversationUpdate' ? { membersAdded: [{ id: `mem-user-${i}` }] } : {}),
      });
      for (const a of [activity('', 'conversationUpdate'), activity(i % 2 ? '工资被拖欠怎么办' : '我在邳州市，想离婚')]) {
        if (VIA === 'http') {
          const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) });
          await res.arrayBuffer();
          if (res.status !== 200) convErrors++;
        } else {
          // In process the activity is delivered as a channel would: no expectReplies (that mode
          // makes TurnContext buffer the replies where the adapter never sees them).
          const { deliveryMode: _inline, ...direct } = a;
          const replies = await rt.adapter.run(direct as never);
          if (!replies.length && a.type === 'message') convErrors++;
        }
      }
      if ((i + 1) % 5000 === 0) console.error(`${i + 1} conversations, rss ${mb(process.memoryUsage().rss)} MB`);
      if (EVERY && (i + 1) % EVERY === 0) {
        global.gc?.();
        checkpoints.push({ conversations: i + 1, ...memory() });
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, convWorker));
  const convMs = performance.now() - t1;
  const rss2 = rss();
  const heapMB = mb(process.memoryUsage().heapUsed);
  const memAfterGc = memory();
  const memSettled = await settled();
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };

  const out = {
    date: new Date().toISOString(),
    commit: sh('git rev-parse --short HEAD'),
    uncommittedInSrc: sh('git status --porcelain -- src').split('\n').filter(Boolean).length,
    node: process.version,
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? 'default',
    root: ROOT,
    inputs: N,
    fuzzSeconds: Math.round(fuzzMs / 100) / 10,
    byFamily,
    fiveXXByFamily: fiveXX,
    healthyAfterFuzz: healthy,
    conversations: CONVERSATIONS,
    via: VIA,
    conversationSeconds: Math.round(convMs / 100) / 10,
    conversationErrors: convErrors,
    rssMB: { start: mb(rss0), afterFuzz: mb(rss1), afterConversations: mb(rss2) },
    heapMB: { start: heap0, afterConversations: heapMB },
    memoryMB: { start: memStart, checkpoints, afterGc: memAfterGc, settled: memSettled },
    gc: !!global.gc,
  };
  console.log(JSON.stringify(out, null, 2));
  server.closeAllConnections();
  server.close();
  process.exit(0);
}

void main();
