import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { connectorTimeoutPolicy, LOCAL_CHANNEL_ID } from '../../src/http/bot-endpoint';
import { searchEngine } from '../helpers';

/** POSTs raw bytes (supertest would serialise a Buffer as JSON). */
export async function postRaw(app: Express, path: string, body: Buffer, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
    return { status: res.status, body: await res.text() };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Collects log lines so tests can see what was logged, and at which level. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { lines, logger };
}

describe('the bot endpoint /api/messages', () => {
  const seen: { channelId?: string; requested?: unknown }[] = [];
  const { lines, logger } = capture();
  const app = createApp({
    logger,
    search: searchEngine(),
    cloudAdapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
    bot: async (ctx) => {
      seen.push({ channelId: ctx.activity.channelId, requested: (ctx.activity.channelData as { requestedChannelId?: unknown })?.requestedChannelId });
      await ctx.sendActivity(MessageFactory.text(`echo: ${ctx.activity.text}`));
    },
  });
  const good = { type: 'message', text: '你好', channelId: 'test', conversation: { id: 'c1' }, from: { id: 'u1' }, deliveryMode: 'expectReplies' };

  beforeEach(() => {
    lines.length = 0;
    seen.length = 0;
  });

  describe('D1: a malformed activity is a 400 with a reason, logged at warn without the body', () => {
    const cases: [string, unknown, RegExp][] = [
      ['an empty object', {}, /type is required/],
      ['text only', { text: 'hi' }, /type is required/],
      ['a numeric type', { ...good, type: 123 }, /type must be a string/],
      ['no conversation id', { ...good, conversation: {} }, /conversation\.id is required/],
      ['no conversation', { ...good, conversation: undefined }, /conversation is required/],
      ['no from.id', { ...good, from: { name: 'x' } }, /from\.id is required/],
      ['no channelId', { ...good, channelId: undefined }, /channelId is required/],
      ['an array', [good], /JSON object/],
      ['text not a string', { ...good, text: { evil: 1 } }, /text must be a string/],
    ];
    for (const [what, body, reason] of cases) {
      it(`refuses ${what}`, async () => {
        const res = await request(app).post('/api/messages').send(body as object).expect(400);
        assert.equal(res.body.error, 'malformed activity');
        assert.match(res.body.reason, reason);
        assert.equal(seen.length, 0, 'no turn ran');
        assert.ok(lines.every((l) => (l.level as number) < 50), 'nothing logged at error level');
        assert.ok(lines.some((l) => l.level === 40), 'refusal logged at warn');
        assert.ok(!JSON.stringify(lines).includes('你好'), 'the body is not logged');
      });
    }

    it('refuses invalid UTF-8 and malformed JSON with 400, never 500', async () => {
      const bytes = Buffer.concat([Buffer.from('{"type":"message","text":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
      const bad = await postRaw(app, '/api/messages', bytes);
      assert.equal(bad.status, 400);
      assert.match(JSON.parse(bad.body).reason, /UTF-8/);
      const broken = await request(app).post('/api/messages').set('content-type', 'application/json').send('{"type": "mess').expect(400);
      assert.match(broken.body.error, /malformed JSON/);
      assert.ok(broken.body.reason);
      assert.ok(lines.every((l) => (l.level as number) < 50));
    });

    it('refuses 5,000-level nesting with 400', async () => {
      const deep = `{"type":"message","channelId":"t","conversation":{"id":"c"},"from":{"id":"u"},"deliveryMode":"expectReplies","value":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const res = await request(app).post('/api/messages').set('content-type', 'application/json').send(deep).expect(400);
      assert.match(res.body.reason, /deeper than/);
    });

    it('still answers a well-formed activity', async () => {
      const res = await request(app).post('/api/messages').send(good).expect(200);
      assert.equal(res.body.activities[0].text, 'echo: 你好');
    });
  });

  describe('D2: without credentials it never calls a serviceUrl', () => {
    let target: Server;
    let hits: string[];
    let url: string;
    before(async () => {
      hits = [];
      // A serviceUrl that accepts and never answers: the old code POSTed here and hung.
      target = createServer((req) => void hits.push(`${req.method} ${req.url}`));
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/internal-admin/`;
    });
    after(() => {
      target.closeAllConnections();
      target.close();
    });

    it('refuses any delivery mode but expectReplies, explaining why', async () => {
      for (const deliveryMode of [undefined, 'normal', 'notification']) {
        const res = await request(app).post('/api/messages').send({ ...good, deliveryMode, serviceUrl: url }).expect(400);
        assert.match(res.body.reason, /expectReplies.*required/);
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(hits, []);
      assert.equal(seen.length, 0);
    });

    it('answers expectReplies inline and ignores the serviceUrl it was given', async () => {
      const res = await request(app).post('/api/messages').send({ ...good, serviceUrl: url }).expect(200);
      assert.equal(res.body.activities[0].text, 'echo: 你好');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(hits, []);
    });
  });

  it('puts unauthenticated conversations in their own channel, keeping the name asked for', async () => {
    await request(app).post('/api/messages').send({ ...good, channelId: 'wechat' }).expect(200);
    assert.deepEqual(seen, [{ channelId: LOCAL_CHANNEL_ID, requested: 'wechat' }]);
  });

  it('gives outbound Bot Framework calls a timeout', async () => {
    const sent: { timeout?: number }[] = [];
    const policy = connectorTimeoutPolicy(5000).create({ sendRequest: async (r) => void sent.push(r) });
    await policy.sendRequest({});
    await policy.sendRequest({ timeout: 60_000 });
    await policy.sendRequest({ timeout: 100 });
    assert.deepEqual(sent.map((r) => r.timeout), [5000, 5000, 100]);
  });
});
