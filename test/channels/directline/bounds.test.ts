import assert from 'node:assert/strict';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { MemoryConversationLog } from '../../../src/channels/directline/conversation-log';
import { createWebChatChannel } from '../../../src/channels/webchat';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../../src/http/rate-limits';
import { harness, SECRET } from './harness';

async function start(app: express.Express, auth = `Bearer ${SECRET}`) {
  const res = await request(app).post('/v3/directline/conversations').set('Authorization', auth).expect(201);
  return res.body as { conversationId: string; token: string };
}

describe('Direct Line against a hostile caller', () => {
  it('D6: 5,000-level nesting is a 400, nothing is stored, and the conversation still reads', async () => {
    const h = harness();
    const { conversationId, token } = await start(h.app);
    const url = `/v3/directline/conversations/${conversationId}/activities`;
    for (const levels of [5000, 3000, 40]) {
      const body = `{"type":"message","text":"x","value":${'['.repeat(levels)}${']'.repeat(levels)}}`;
      const res = await request(h.app).post(url).set('Authorization', `Bearer ${token}`).set('content-type', 'application/json').send(body);
      assert.equal(res.status, 400, `${levels} levels`);
      assert.equal(res.body.error.code, 'BadArgument');
      assert.match(res.body.error.message, /deeper than/);
    }
    const page = await request(h.app).get(url).set('Authorization', `Bearer ${token}`).expect(200);
    assert.deepEqual(page.body.activities.map((a: { text?: string }) => a.text), ['welcome default']);
    await h.channel.close?.();
  });

  it('D8: anonymous token + conversation floods are limited per address (429, Retry-After), and cannot evict a citizen who wrote', async () => {
    const limits = new RateLimits({ ...DEFAULT_RATE_LIMITS, tokensPerIp: { points: 20, durationSec: 60 } });
    const h = harness({ limits, log: new MemoryConversationLog({ maxConversations: 10 }) });
    const app = express();
    app.use(h.channel.mountPath, h.channel.router);
    app.use(createWebChatChannel({ logger: pino({ level: 'silent' }), directLine: h.channel, limits }).router);

    const citizen = (await request(app).post('/api/webchat/token').expect(200)).body as { token: string; conversationId: string };
    await start(app, `Bearer ${citizen.token}`);
    await request(app)
      .post(`/v3/directline/conversations/${citizen.conversationId}/activities`)
      .set('Authorization', `Bearer ${citizen.token}`)
      .send({ type: 'message', text: '我在邳州市', from: { id: 'x' } })
      .expect(200);

    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 60; i++) {
      const r = await request(app).post('/api/webchat/token');
      statuses.push(r.status);
      if (r.status === 200) await start(app, `Bearer ${r.body.token}`);
      else retryAfter ??= r.headers['retry-after'];
    }
    assert.equal(statuses.filter((s) => s === 200).length, 19, 'the citizen used one of the 20');
    assert.ok(statuses.slice(19).every((s) => s === 429));
    assert.ok(Number(retryAfter) >= 1);
    // Even the 19 that got through (twice the log's capacity) did not push the citizen out.
    const page = await request(app)
      .get(`/v3/directline/conversations/${citizen.conversationId}/activities`)
      .set('Authorization', `Bearer ${citizen.token}`)
      .expect(200);
    assert.ok(page.body.activities.some((a: { text?: string }) => a.text === '我在邳州市'));
    // The secret holder's start is limited the same way.
    for (let i = 0; i < 25; i++) await request(app).post('/v3/directline/tokens/generate').set('Authorization', `Bearer ${SECRET}`);
    await request(app).post('/v3/directline/conversations').set('Authorization', `Bearer ${SECRET}`).expect(429);
    await h.channel.close?.();
  });

  it('D9: posting is limited per conversation (429 with Retry-After); others keep talking', async () => {
    const limits = new RateLimits({ ...DEFAULT_RATE_LIMITS, directLinePerConversation: { points: 5, durationSec: 60 } });
    const h = harness({ limits });
    const a = await start(h.app);
    const b = await start(h.app);
    const post = (c: { conversationId: string; token: string }, text: string) =>
      request(h.app).post(`/v3/directline/conversations/${c.conversationId}/activities`).set('Authorization', `Bearer ${c.token}`).send({ type: 'message', text });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(a, `m${i}`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = await post(a, 'again');
    assert.equal(refused.body.error.code, 'TooManyRequests');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal((await post(b, 'hello')).status, 200);
    await h.channel.close?.();
  });
});
