/**
 * Seeded fuzz of every public endpoint through the wired application (buildRuntime, a real
 * listening server): /api/messages, Direct Line, /wechat and /api/kb/search get a few thousand
 * generated inputs — malformed JSON and XML, invalid UTF-8, 5,000-level nesting, wrong types,
 * forged and foreign tokens, replayed signatures, absurd query strings. Expected: nothing but 2xx
 * and 4xx (no 5xx: bot failures are answered with an apology, not an error), the server healthy
 * afterwards (health, a normal turn, an honest Direct Line conversation), memory bounded.
 * RATE_LIMITS=off so every input reaches its handler; the limits have their own tests.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { buildRuntime } from '../../src/index';
import { createLogger } from '../../src/logger';
import { type DirectLineSession, directLineRequest, type FuzzRequest, messagesRequest, rng, searchRequest, wechatRequest } from './fuzz-inputs';

export const FUZZ_TOKEN = 'fuzz-token';

export async function fuzzServer(env: Record<string, string> = {}) {
  const logger = createLogger('silent');
  const rt = buildRuntime(loadConfig({ WECHAT_TOKEN: FUZZ_TOKEN, SEARCH_INDEX_FILE: '/nonexistent/index.json', CASES_DB: ':memory:', RATE_LIMITS: 'off', ...env }), logger);
  await (rt as unknown as { caseDb?: { ready?: Promise<unknown> } }).caseDb?.ready;
  const server: Server = await new Promise((r) => {
    const s = rt.app.listen(0, '127.0.0.1', () => r(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await Promise.all(rt.channels.map((c) => c.close?.()));
  };
  return { rt, server, base, close };
}

export async function send(base: string, q: FuzzRequest): Promise<number> {
  try {
    const res = await fetch(`${base}${q.path}`, { method: q.method, headers: q.headers, body: q.body, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return -1; // connection refused/reset: counted, never expected
  }
}

export async function openSession(base: string): Promise<DirectLineSession> {
  const t = (await (await fetch(`${base}/api/webchat/token`, { method: 'POST' })).json()) as DirectLineSession;
  await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${t.token}` } });
  return t;
}

export interface FuzzCounts {
  total: number;
  byFamily: Record<string, Record<string, number>>;
  fiveXX: number;
  failed: number;
}

/** `n` generated requests, `concurrency` at a time; the counts by family and status. */
export async function runFuzz(base: string, seed: number, n: number, concurrency: number, sessions: DirectLineSession[]): Promise<FuzzCounts> {
  const r = rng(seed);
  const conversations = Array.from({ length: 20 }, (_, i) => `fuzz-conv-${seed}-${i}`);
  const counts: FuzzCounts = { total: 0, byFamily: {}, fiveXX: 0, failed: 0 };
  let next = 0;
  const make = (): FuzzRequest => {
    const x = r();
    if (x < 0.3) return messagesRequest(r, conversations);
    if (x < 0.6) return directLineRequest(r, sessions);
    if (x < 0.85) return wechatRequest(r, FUZZ_TOKEN);
    return searchRequest(r);
  };
  const worker = async () => {
    while (next < n) {
      next++;
      const q = make();
      const status = await send(base, q);
      counts.total++;
      const fam = (counts.byFamily[q.family] ??= {});
      fam[status] = (fam[status] ?? 0) + 1;
      if (status >= 500) counts.fiveXX++;
      if (status < 0) counts.failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return counts;
}

describe('fuzz: every endpoint against a few thousand hostile inputs', function () {
  this.timeout(180_000);

  it('answers only 2xx/4xx, stays healthy and keeps memory bounded', async () => {
    const s = await fuzzServer();
    try {
      const sessions = await Promise.all(Array.from({ length: 5 }, () => openSession(s.base)));
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const counts = await runFuzz(s.base, 20261201, 3000, 8, sessions);
      const rssAfter = process.memoryUsage().rss;
      assert.equal(counts.total, 3000);
      assert.equal(counts.failed, 0, JSON.stringify(counts.byFamily));
      assert.equal(counts.fiveXX, 0, JSON.stringify(counts.byFamily));
      for (const fam of ['messages', 'directline', 'wechat', 'search']) {
        const ok = Object.entries(counts.byFamily[fam] ?? {}).filter(([st]) => Number(st) < 300).reduce((a, [, c]) => a + c, 0);
        const refused = Object.entries(counts.byFamily[fam] ?? {}).filter(([st]) => Number(st) >= 400).reduce((a, [, c]) => a + c, 0);
        assert.ok(ok > 0 && refused > 0, `${fam}: both served and refused inputs (${JSON.stringify(counts.byFamily[fam])})`);
      }
      assert.ok(rssAfter - rssBefore < 300 * 1024 * 1024, `RSS grew ${Math.round((rssAfter - rssBefore) / 1048576)} MB`);

      // Healthy afterwards: health, an ordinary turn, an honest web-chat conversation.
      assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
      const turn = await fetch(`${s.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: '有人拿刀要砍我', channelId: 'emulator', conversation: { id: 'after-fuzz' }, from: { id: 'u' }, deliveryMode: 'expectReplies' }),
      });
      assert.equal(turn.status, 200);
      assert.match(JSON.stringify(await turn.json()), /110/);
      const honest = await openSession(s.base);
      const post = await fetch(`${s.base}/v3/directline/conversations/${honest.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${honest.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: '工资被拖欠怎么办' }),
      });
      assert.equal(post.status, 200);
    } finally {
      await s.close();
    }
  });
});
