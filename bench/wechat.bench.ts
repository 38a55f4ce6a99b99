/**
 * WeChat channel benchmark (`npx tsx bench/wechat.bench.ts`): the channel on loopback with an
 * echo bot, the fake platform as client (test/channels/wechat/fake-platform.ts).
 *
 *   1. passive-reply latency and throughput, plaintext and safe mode, 1 and 10 requests in flight
 *   2. cost of refusing bad requests: forged signature (401), billion laughs (400), 64 KB of
 *      malformed XML (400), 1 MB body (413)
 *   3. good-request latency while 10 connections flood the server with those bad requests
 *
 * Bounded: a fixed number of requests per case. Latency is wall-clock per request from the
 * client (request built and signed/encrypted beforehand); percentiles are nearest-rank.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startHarness } from '../test/channels/wechat/harness';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function run(n: number, concurrency: number, one: (i: number) => Promise<void>): Promise<{ p50: number; p99: number; rps: number }> {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await one(i);
        times.push(performance.now() - s);
      }
    }),
  );
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), rps: (n / total) * 1000 };
}

const fmt = (r: { p50: number; p99: number; rps: number }) => `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.rps.toFixed(0)} req/s`;

async function main(): Promise<void> {
  const N = Number(process.env.BENCH_N ?? 2000);
  const lines: string[] = [];
  for (const mode of ['plain', 'safe'] as const) {
    const h = await startHarness({ mode, tuning: { replyBudgetMs: 4500 } });
    for (const c of [1, 10]) {
      // Each user sends one message: per-user turns are serialised, so spread over users.
      await run(50, c, async (i) => void (await h.platform.post(h.platform.text(`oWarm${i % 50}_user`, 'warm'), { mode })));
      const r = await run(N, c, async (i) => {
        const res = await h.platform.post(h.platform.text(`oBench${i % 200}_user`, `问题 ${i}`), { mode });
        if (res.status !== 200 || !res.reply) throw new Error(`bad answer ${res.status}`);
      });
      lines.push(`| passive reply, ${mode}, ${c} in flight | ${fmt(r)} |`);
    }
    await h.close();
  }

  const h = await startHarness({});
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><C>&lol2;</C></xml>';
  const malformed = `<xml><A>${'<b>x'.repeat(16_000)}</xml>`;
  const big = Buffer.alloc(1024 * 1024, 0x61);
  const bad: [string, () => Promise<number>][] = [
    ['forged signature → 401', async () => (await h.platform.post(h.platform.text('oBad_user1', 'x'), { signToken: 'nope' })).status],
    ['billion laughs → 400', async () => (await h.platform.post(h.platform.text('oBad_user1', 'x'), { rawBody: laughs })).status],
    ['64 KB malformed XML → 400', async () => (await h.platform.post(h.platform.text('oBad_user1', 'x'), { rawBody: malformed })).status],
    ['1 MB body → 413', async () => (await h.platform.post(h.platform.text('oBad_user1', 'x'), { rawBody: big })).status],
  ];
  for (const [name, call] of bad) {
    const r = await run(Math.min(N, 500), 10, async () => {
      const s = await call();
      if (s < 400 || s >= 500) throw new Error(`${name}: got ${s}`);
    });
    lines.push(`| ${name}, 10 in flight | ${fmt(r)} |`);
  }

  const quiet = await run(300, 1, async (i) => void (await h.platform.post(h.platform.text(`oGood${i}_user`, '正常'))));
  let flooding = true;
  const flood = Promise.all(
    Array.from({ length: 10 }, async (_, k) => {
      let i = 0;
      while (flooding) await bad[i++ % bad.length]![1]().catch(() => 0);
      return k;
    }),
  );
  await sleep(100);
  const busy = await run(300, 1, async (i) => {
    const r = await h.platform.post(h.platform.text(`oGood${i}_user2`, '正常'));
    if (!r.reply) throw new Error('no reply under flood');
  });
  flooding = false;
  await flood;
  lines.push(`| good requests, quiet | ${fmt(quiet)} |`);
  lines.push(`| good requests, 10 connections flooding bad requests | ${fmt(busy)} |`);
  await h.close();

  console.log(`WeChat channel, loopback, echo bot, N=${N} per case (Node ${process.version})\n`);
  console.log('| case | result |\n| --- | --- |');
  for (const l of lines) console.log(l);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
