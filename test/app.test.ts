import assert from 'node:assert/strict';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../src/app';
import { searchEngine } from './helpers';

describe('HTTP app', () => {
  const app = createApp({
    logger: pino({ level: 'silent' }),
    search: searchEngine(),
    cloudAdapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
    bot: async (ctx) => {
      await ctx.sendActivity(MessageFactory.text(`echo: ${ctx.activity.text}`));
    },
    health: () => ({ entries: searchEngine().size }),
  });

  it('says it is healthy with the number of entries', async () => {
    const res = await request(app).get('/healthz').expect(200);
    assert.equal(res.body.status, 'ok');
    assert.ok(res.body.entries > 30);
  });

  describe('GET /api/kb/search', () => {
    it('returns the stable contract: query, confident, ranked results with id, topic, title, score', async () => {
      const res = await request(app).get('/api/kb/search').query({ q: '单位欠我工资不发', top: 3 }).expect(200);
      assert.equal(res.body.query, '单位欠我工资不发');
      assert.equal(typeof res.body.confident, 'boolean');
      assert.ok(res.body.results.length > 0 && res.body.results.length <= 3);
      for (const r of res.body.results) {
        assert.deepEqual(Object.keys(r).slice(0, 4), ['id', 'topic', 'title', 'score']);
      }
      assert.equal(res.body.results[0].topic, 'labor-wage-arrears');
    });

    it('answers 400 with a reason for a missing, oversized or badly bounded query', async () => {
      assert.match((await request(app).get('/api/kb/search').expect(400)).body.error, /q is required/);
      assert.match((await request(app).get('/api/kb/search').query({ q: '   ' }).expect(400)).body.error, /q is required/);
      assert.match((await request(app).get('/api/kb/search').query({ q: 'a'.repeat(2001) }).expect(400)).body.error, /too long/);
      // A 10,000-character Chinese query does not fit in a URL: Node answers 431 before our code runs.
      await request(app).get('/api/kb/search').query({ q: '离'.repeat(10000) }).expect(431);
      assert.match((await request(app).get('/api/kb/search').query({ q: '离婚', top: 0 }).expect(400)).body.error, /top/);
      assert.match((await request(app).get('/api/kb/search').query({ q: '离婚', top: 'x' }).expect(400)).body.error, /top/);
      assert.match((await request(app).get('/api/kb/search?q=a&q=b').expect(400)).body.error, /q is required/);
      assert.match((await request(app).get('/api/kb/search').query({ q: '离婚', locale: 'fr' }).expect(400)).body.error, /locale/);
    });

    it('gives a clear empty result for emoji, punctuation and control characters', async () => {
      for (const q of ['😀🙏', '？！……', '\u0001\u0002', 'title:x^2 +y -z']) {
        const res = await request(app).get('/api/kb/search').query({ q }).expect(200);
        assert.equal(res.body.confident, false, q);
      }
    });

    it('answers mixed English and Chinese', async () => {
      const res = await request(app).get('/api/kb/search').query({ q: 'boss欠我salary 三个月' }).expect(200);
      assert.equal(res.body.results[0].topic, 'labor-wage-arrears');
    });
  });

  describe('POST /api/messages', () => {
    const activity = (text: string) => ({
      type: 'message',
      id: 'a1',
      text,
      channelId: 'test',
      serviceUrl: 'http://127.0.0.1:9',
      conversation: { id: 'conv-1' },
      from: { id: 'user-1' },
      recipient: { id: 'bot' },
      deliveryMode: 'expectReplies',
    });

    it('answers expectReplies activities in the HTTP response, without credentials', async () => {
      const res = await request(app).post('/api/messages').send(activity('你好')).expect(200);
      assert.equal(res.body.activities[0].text, 'echo: 你好');
    });

    it('rejects malformed JSON with 400 and oversized bodies with 413', async () => {
      const bad = await request(app).post('/api/messages').set('content-type', 'application/json').send('{"type": "mess').expect(400);
      assert.match(bad.body.error, /malformed JSON/);
      await request(app).post('/api/messages').send(activity('离'.repeat(300_000))).expect(413);
    });
  });
});
