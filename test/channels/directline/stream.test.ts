import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { type Wire, harness } from './harness';

const DL = '/v3/directline';

interface Live {
  base: string;
  server: Server;
  h: ReturnType<typeof harness>;
}

async function listen(): Promise<Live> {
  const h = harness();
  const server = h.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  h.channel.attach(server);
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, h };
}

async function stop(l: Live) {
  await l.h.channel.close?.();
  l.server.closeAllConnections();
  await new Promise((r) => l.server.close(r));
}

async function start(l: Live) {
  const t = l.h.channel.issueToken();
  const res = await fetch(`${l.base}${DL}/conversations`, { method: 'POST', headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(res.status, 201);
  return (await res.json()) as { conversationId: string; token: string; streamUrl: string };
}

/** Collects ActivitySets from a stream until `until` is satisfied. */
function collect(ws: WebSocket, until: (all: Wire[]) => boolean, timeoutMs = 3000): Promise<{ activities: Wire[]; watermarks: string[] }> {
  const activities: Wire[] = [];
  const watermarks: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stream timeout; got ${JSON.stringify(activities.map((a) => a.text))}`)), timeoutMs);
    ws.on('message', (data) => {
      const set = JSON.parse(String(data)) as { activities: Wire[]; watermark: string };
      activities.push(...set.activities);
      watermarks.push(set.watermark);
      if (until(activities)) {
        clearTimeout(timer);
        resolve({ activities, watermarks });
      }
    });
    ws.on('error', reject);
  });
}

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      reject(new Error('upgrade unexpectedly accepted'));
    });
    ws.on('error', () => undefined);
  });
}

describe('Direct Line WebSocket stream', () => {
  let l: Live;
  beforeEach(async () => {
    l = await listen();
  });
  afterEach(async () => {
    await stop(l);
  });

  it('sends the backlog, then each new activity as an ActivitySet, without repeats', async () => {
    const c = await start(l);
    const ws = new WebSocket(c.streamUrl);
    const got = collect(ws, (all) => all.some((a) => a.text === 'echo: 你好'));
    await once(ws, 'open');
    const res = await fetch(`${l.base}${DL}/conversations/${c.conversationId}/activities`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${c.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: '你好' }),
    });
    assert.equal(res.status, 200);
    const { activities, watermarks } = await got;
    assert.deepEqual(
      activities.map((a) => a.text),
      ['welcome default', '你好', 'echo: 你好'],
    );
    assert.equal(new Set(activities.map((a) => a.id)).size, activities.length);
    assert.equal(watermarks.at(-1), activities.at(-1)!.id.split('|')[1]);
    ws.close();
  });

  it('pushes proactive messages to an open stream', async () => {
    const c = await start(l);
    const ws = new WebSocket(c.streamUrl);
    const got = collect(ws, (all) => all.some((a) => a.text === '工作人员：已收到'));
    await once(ws, 'open');
    await l.h.adapter.send({ channelId: 'directline', conversation: { id: c.conversationId, isGroup: false, conversationType: 'personal', name: '' } }, [
      { type: 'message', text: '工作人员：已收到' },
    ]);
    await got;
    ws.close();
  });

  it('resumes after the watermark given to reconnect', async () => {
    const c = await start(l);
    const headers = { Authorization: `Bearer ${c.token}`, 'Content-Type': 'application/json' };
    await fetch(`${l.base}${DL}/conversations/${c.conversationId}/activities`, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: 'one' }) });
    const page = (await (await fetch(`${l.base}${DL}/conversations/${c.conversationId}/activities`, { headers })).json()) as { watermark: string };
    await fetch(`${l.base}${DL}/conversations/${c.conversationId}/activities`, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: 'two' }) });
    const re = (await (await fetch(`${l.base}${DL}/conversations/${c.conversationId}?watermark=${page.watermark}`, { headers })).json()) as { streamUrl: string };
    const ws = new WebSocket(re.streamUrl);
    const { activities } = await collect(ws, (all) => all.some((a) => a.text === 'echo: two'));
    assert.deepEqual(
      activities.map((a) => a.text),
      ['two', 'echo: two'],
    );
    ws.close();
  });

  it('refuses a missing or forged stream token (401), an access token (403), and another conversation (403)', async () => {
    const a = await start(l);
    const b = await start(l);
    const bUrl = new URL(b.streamUrl);
    const aToken = new URL(a.streamUrl).searchParams.get('t')!;
    const noToken = new URL(bUrl);
    noToken.searchParams.delete('t');
    assert.equal(await upgradeStatus(noToken.toString()), 401);
    const forged = new URL(bUrl);
    forged.searchParams.set('t', `${aToken}x`);
    assert.equal(await upgradeStatus(forged.toString()), 401);
    const access = new URL(bUrl);
    access.searchParams.set('t', b.token);
    assert.equal(await upgradeStatus(access.toString()), 403);
    const crossed = new URL(bUrl);
    crossed.searchParams.set('t', aToken);
    assert.equal(await upgradeStatus(crossed.toString()), 403);
  });

  it('a stream token is good for 60 seconds only', async () => {
    const c = await start(l);
    l.h.clock.now += 61_000;
    assert.equal(await upgradeStatus(c.streamUrl), 403);
  });

  it('limits open streams per conversation', async () => {
    const c = await start(l);
    const open: WebSocket[] = [];
    for (let i = 0; i < 8; i++) {
      const ws = new WebSocket(c.streamUrl);
      await once(ws, 'open');
      open.push(ws);
    }
    assert.equal(await upgradeStatus(c.streamUrl), 429);
    for (const ws of open) ws.close();
  });
});
