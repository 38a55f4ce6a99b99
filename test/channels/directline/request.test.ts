/** The way in alone: callers (secret / token / conversation), body parsers and the error answers, on a bare router. */
import assert from 'node:assert/strict';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { QueueFullError } from '../../../src/bot/keyed-queue';
import { Callers, bodyParsers, cors, errorResponder, userFromBody } from '../../../src/channels/directline/request';
import { TokenService, newConversationId, newUserId } from '../../../src/channels/directline/tokens';
import { RateLimitedError } from '../../../src/http/rate-limits';

const SECRET = 's'.repeat(32);

function app(route: (r: express.Router, callers: Callers) => void) {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) });
  const tokens = new TokenService({ secret: SECRET });
  const callers = new Callers(tokens, logger);
  const router = express.Router();
  router.use(cors);
  route(router, callers);
  router.use(errorResponder(logger));
  const a = express();
  a.use(router);
  return { app: a, tokens, logs };
}

describe('Direct Line request: callers, bodies, error answers', () => {
  it('the secret only starts conversations; a token reaches its own conversation only (403 for another, logged)', async () => {
    const { app: a, tokens, logs } = app((r, callers) => {
      r.get('/whoami', (req, res) => void res.json({ secret: callers.hasSecret(req), conv: callers.access(req).conv }));
      r.get('/conversations/:id', (req, res) => void res.json({ conv: callers.forConversation(req).conv }));
    });
    const mine = tokens.issue(newConversationId(), newUserId());
    const other = newConversationId();
    const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

    assert.equal((await request(a).get('/whoami').set(bearer(mine.token))).body.conv, mine.claims.conv);
    const withSecret = await request(a).get('/whoami').set(bearer(SECRET));
    assert.deepEqual([withSecret.status, withSecret.body.error.code], [403, 'Forbidden']);
    assert.equal((await request(a).get('/whoami')).status, 401, 'no token');
    assert.equal((await request(a).get(`/conversations/${mine.claims.conv}`).set(bearer(mine.token))).status, 200);
    assert.equal((await request(a).get(`/conversations/${other}`).set(bearer(mine.token))).status, 403);
    assert.equal((await request(a).get('/conversations/not-an-id').set(bearer(mine.token))).status, 404);
    assert.ok(logs.some((l) => l.level === 40 && l.msg === 'directline: token used for another conversation'));
  });

  it('reads a user id from a start body only when it is a valid Direct Line user id', () => {
    const user = newUserId();
    assert.equal(userFromBody({ user: { id: user } }), user);
    for (const body of [undefined, {}, { user: { id: 42 } }, { user: { id: 'has spaces' } }]) assert.equal(userFromBody(body), undefined);
  });

  it('requireJson refuses other content types with 415; optionalJson reads JSON when sent and lets others pass', async () => {
    const { requireJson, optionalJson } = bodyParsers({ bodyLimit: '1kb' });
    const { app: a } = app((r) => {
      r.post('/required', requireJson, (req, res) => void res.json({ got: req.body }));
      r.post('/optional', optionalJson, (req, res) => void res.json({ got: req.body ?? null }));
    });
    const wrongType = await request(a).post('/required').set('content-type', 'text/plain').send('hi');
    assert.deepEqual([wrongType.status, wrongType.body.error.code], [415, 'UnsupportedMediaType']);
    assert.deepEqual((await request(a).post('/required').send({ a: 1 })).body, { got: { a: 1 } });
    assert.deepEqual((await request(a).post('/optional').set('content-type', 'text/plain').send('x')).body, { got: null });
    const tooBig = await request(a).post('/required').send({ text: 'x'.repeat(2000) });
    assert.deepEqual([tooBig.status, tooBig.body.error.code], [413, 'BodyTooLarge']);
    const broken = await request(a).post('/required').set('content-type', 'application/json').send('{"a":');
    assert.deepEqual([broken.status, broken.body.error.code], [400, 'BadArgument']);
  });

  it('answers every error as Direct Line JSON: a full turn queue and rate limits 429, anything unexpected 500 without its message', async () => {
    const { app: a, logs } = app((r) => {
      r.get('/full', () => {
        throw new QueueFullError(10);
      });
      r.get('/limited', () => {
        throw new RateLimitedError('directLinePerIp', 7);
      });
      r.get('/bug', () => {
        throw new Error('secret internals');
      });
    });
    const full = await request(a).get('/full');
    assert.deepEqual([full.status, full.body.error.code], [429, 'TooManyRequests']);
    const limited = await request(a).get('/limited');
    assert.deepEqual([limited.status, limited.body.error.code, limited.headers['retry-after']], [429, 'TooManyRequests', '7']);
    const bug = await request(a).get('/bug');
    assert.deepEqual(bug.body, { error: { code: 'ServiceError', message: 'internal error' } });
    assert.ok(logs.some((l) => l.level === 50 && l.msg === 'directline: request failed'));
  });

  it('answers CORS preflight itself and marks every answer uncacheable', async () => {
    const { app: a } = app((r) => r.get('/x', (_req, res) => void res.json({})));
    const pre = await request(a).options('/x').set('Origin', 'https://example.org');
    assert.equal(pre.status, 204);
    assert.match(String(pre.headers['access-control-allow-headers']), /Authorization/);
    const got = await request(a).get('/x');
    assert.deepEqual([got.headers['access-control-allow-origin'], got.headers['cache-control']], ['*', 'no-store']);
  });
});
