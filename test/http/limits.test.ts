import assert from 'node:assert/strict';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createDirectLineChannel } from '../../src/channels/directline';
import { createWebChatChannel } from '../../src/channels/webchat';
import { InProcessAdapter } from '../../src/bot/in-process-adapter';
import { loadConfig } from '../../src/config';
import { DEFAULT_RATE_LIMITS, parseRate, RateLimits } from '../../src/http/rate-limits';
import { searchEngine } from '../helpers';

const logger = pino({ level: 'silent' });
const bot = async (ctx: Parameters<ConstructorParameters<typeof InProcessAdapter>[0]>[0]) => {
  await ctx.sendActivity(MessageFactory.text(`echo: ${ctx.activity.text}`));
};

function appWith(limits?: RateLimits, channels = true) {
  const directLine = createDirectLineChannel({ runner: new InProcessAdapter(bot), logger, secret: 'limits-secret-0123456789' });
  return createApp({
    logger,
    search: searchEngine(),
    cloudAdapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
    bot,
    limits,
    channels: channels ? [directLine, createWebChatChannel({ logger, directLine })] : [],
  });
}

const activity = (conversation: string) => ({ type: 'message', text: '你好', channelId: 'test', conversation: { id: conversation }, from: { id: 'u' }, deliveryMode: 'expectReplies' });

describe('D9: rate limits on messages and search', () => {
  it('limits messages per conversation tightly and per address generously, with Retry-After', async () => {
    const app = appWith(new RateLimits({ ...DEFAULT_RATE_LIMITS, messagesPerConversation: { points: 3, durationSec: 60 }, messagesPerIp: { points: 6, durationSec: 60 } }), false);
    const one = [];
    for (let i = 0; i < 4; i++) one.push((await request(app).post('/api/messages').send(activity('c-1'))).status);
    assert.deepEqual(one, [200, 200, 200, 429]);
    const others = [];
    for (let i = 0; i < 3; i++) others.push((await request(app).post('/api/messages').send(activity(`c-${i + 2}`))).status);
    assert.deepEqual(others, [200, 200, 429], 'the address as a whole: 6 in the minute');
    const res = await request(app).post('/api/messages').send(activity('c-9')).expect(429);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    assert.equal(res.body.error, 'too many requests');
  });

  it('limits search per address (2,000 searches in a second no longer all succeed)', async () => {
    const app = appWith(new RateLimits({ ...DEFAULT_RATE_LIMITS, searchPerIp: { points: 5, durationSec: 60 } }), false);
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await request(app).get('/api/kb/search').query({ q: '离婚' })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it('RATE_LIMITS=off turns every limit off; rates come from the environment', async () => {
    const config = loadConfig({ RATE_LIMITS: 'off', RATE_LIMIT_SEARCH_PER_IP: '7/10' });
    assert.equal(config.rateLimits.enabled, false);
    assert.deepEqual(config.rateLimits.searchPerIp, { points: 7, durationSec: 10 });
    assert.equal(loadConfig({}).rateLimits.enabled, true);
    assert.throws(() => loadConfig({ RATE_LIMIT_SEARCH_PER_IP: 'lots' }), /RATE_LIMIT_SEARCH_PER_IP/);
    assert.deepEqual(parseRate('30/60'), { points: 30, durationSec: 60 });
    const app = appWith(new RateLimits({ ...config.rateLimits, searchPerIp: { points: 1, durationSec: 60 } }), false);
    for (let i = 0; i < 5; i++) await request(app).get('/api/kb/search').query({ q: '离婚' }).expect(200);
  });
});

describe('security headers (helmet) on every response', () => {
  const app = appWith(undefined);
  it('APIs and errors carry them', async () => {
    for (const res of [await request(app).get('/healthz'), await request(app).post('/api/messages').send({}), await request(app).get('/nope')]) {
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.ok(res.headers['content-security-policy']);
      assert.ok(res.headers['strict-transport-security']);
      assert.equal(res.headers['x-powered-by'], undefined);
    }
  });

  it('the chat page keeps its own CSP: scripts from this origin, WebSocket to the bot', async () => {
    const page = await request(app).get('/').expect(200);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self' ws: wss:/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'helmet’s default would break plain-HTTP local use');
    await request(app).get('/vendor/webchat.js').expect(200).expect('content-type', /javascript/);
  });

  it('Direct Line stays usable from other origins (CORS *, cross-origin resource policy)', async () => {
    const res = await request(app).post('/v3/directline/tokens/refresh');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
  });
});

