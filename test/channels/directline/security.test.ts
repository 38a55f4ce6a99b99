import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import pino from 'pino';
import { Writable } from 'node:stream';
import request from 'supertest';
import { TokenService } from '../../../src/channels/directline/tokens';
import { SECRET, type Wire, decodeClaims, harness } from './harness';

const DL = '/v3/directline';
type H = ReturnType<typeof harness>;

async function newConversation(h: H) {
  const t = h.channel.issueToken();
  const res = await request(h.app).post(`${DL}/conversations`).set('Authorization', `Bearer ${t.token}`).send({}).expect(201);
  return { id: res.body.conversationId as string, token: res.body.token as string };
}

function get(h: H, path: string, token?: string) {
  const r = request(h.app).get(`${DL}${path}`);
  return token === undefined ? r : r.set('Authorization', `Bearer ${token}`);
}

function post(h: H, path: string, token: string | undefined, body?: unknown) {
  const r = request(h.app).post(`${DL}${path}`);
  if (token !== undefined) r.set('Authorization', `Bearer ${token}`);
  return body === undefined ? r : r.send(body as object);
}

/** Re-signs a token's payload with another key (what a forger without our secret can do). */
function forge(token: string, change: (claims: Record<string, unknown>) => void, key = 'attacker-key-0123456789'): string {
  const [header, payload] = token.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${header}.${p}.${createHmac('sha256', key).update(`${header}.${p}`).digest('base64url')}`;
}

describe('Direct Line security', () => {
  describe('a token binds one conversation', () => {
    it("cannot read, post to, reconnect to or stream another conversation (403), and B's log is untouched", async () => {
      const h = harness();
      const a = await newConversation(h);
      const b = await newConversation(h);
      await post(h, `/conversations/${b.id}/activities`, b.token, { type: 'message', text: 'B 的隐私：身份证在我这' }).expect(200);

      const read = await get(h, `/conversations/${b.id}/activities?watermark=`, a.token).expect(403);
      assert.equal(read.body.error.code, 'Forbidden');
      assert.ok(!JSON.stringify(read.body).includes('隐私'));
      await post(h, `/conversations/${b.id}/activities`, a.token, { type: 'message', text: 'A writes into B' }).expect(403);
      await get(h, `/conversations/${b.id}?watermark=`, a.token).expect(403);

      const bLog = (await get(h, `/conversations/${b.id}/activities`, b.token).expect(200)).body.activities as Wire[];
      assert.ok(!bLog.some((x) => x.text?.includes('A writes')));
      const aLog = (await get(h, `/conversations/${a.id}/activities`, a.token).expect(200)).body.activities as Wire[];
      assert.ok(!aLog.some((x) => x.text?.includes('隐私')));
    });

    it('a token whose payload is changed to another conversation fails its signature (401)', async () => {
      const h = harness();
      const a = await newConversation(h);
      const b = await newConversation(h);
      const [header, , sig] = a.token.split('.') as [string, string, string];
      const claims = decodeClaims(a.token);
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, conv: b.id })).toString('base64url')}.${sig}`;
      const res = await get(h, `/conversations/${b.id}/activities`, tampered).expect(401);
      assert.equal(res.body.error.code, 'Unauthorized');
      await get(h, `/conversations/${b.id}/activities`, forge(a.token, (c) => (c.conv = b.id))).expect(401);
    });

    it('`from` in the body never changes who the message is from', async () => {
      const h = harness();
      const a = await newConversation(h);
      await post(h, `/conversations/${a.id}/activities`, a.token, { type: 'message', text: 'x', from: { id: 'dl_victim', role: 'bot' } }).expect(200);
      const log = (await get(h, `/conversations/${a.id}/activities`, a.token)).body.activities as Wire[];
      const mine = log.find((x) => x.text === 'x')!;
      assert.equal(mine.from!.id, decodeClaims(a.token).user);
      assert.equal(mine.from!.role, 'user');
    });
  });

  describe('missing, malformed and misused tokens', () => {
    const cases: [string, (h: H, c: { id: string; token: string }) => string | undefined, number][] = [
      ['no Authorization header', () => undefined, 401],
      ['a non-JWT string', () => 'hello', 401],
      ['a JWT-shaped string of garbage', () => 'a.b.c', 401],
      ['a token signed with another secret', (_h, c) => forge(c.token, () => undefined), 401],
      ['an alg=none token', (_h, c) => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${c.token.split('.')[1]}.`, 401],
      ['a 5,000-character token', () => 'x'.repeat(5000), 401],
      ['the secret itself (it only generates tokens)', () => SECRET, 403],
    ];
    for (const [name, make, status] of cases) {
      it(`${name} → ${status} with a JSON error`, async () => {
        const h = harness();
        const c = await newConversation(h);
        const res = await get(h, `/conversations/${c.id}/activities`, make(h, c)).expect(status);
        assert.equal(typeof res.body.error.code, 'string');
        assert.equal(typeof res.body.error.message, 'string');
      });
    }

    it('a forged token is logged as a warning (without the token); an expired one is not', async () => {
      const lines: Record<string, unknown>[] = [];
      const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
      const h = harness({ logger: pino({ level: 'info' }, sink) });
      const c = await newConversation(h);
      const forged = forge(c.token, () => undefined);
      await get(h, `/conversations/${c.id}/activities`, forged).expect(401);
      h.clock.now += 31 * 60_000;
      await get(h, `/conversations/${c.id}/activities`, c.token).expect(403);
      const warnings = lines.filter((l) => l.level === 40);
      assert.equal(warnings.length, 1, JSON.stringify(lines));
      assert.equal(warnings[0]!.msg, 'invalid token signature');
      assert.ok(!JSON.stringify(lines).includes(forged.split('.')[2]!));
    });

    it('a stream token cannot be used as an access token (403)', async () => {
      const h = harness();
      const c = await newConversation(h);
      const streamUrl = (await get(h, `/conversations/${c.id}?watermark=`, c.token).expect(200)).body.streamUrl as string;
      const streamToken = new URL(streamUrl).searchParams.get('t')!;
      await get(h, `/conversations/${c.id}/activities`, streamToken).expect(403);
      await post(h, '/tokens/refresh', streamToken).expect(403);
    });
  });

  describe('expiry and refresh', () => {
    it('a token expires after 30 minutes (403 TokenExpired), refresh before that extends it', async () => {
      const h = harness();
      const c = await newConversation(h);
      h.clock.now += 20 * 60_000;
      const refreshed = await post(h, '/tokens/refresh', c.token).expect(200);
      assert.deepEqual(Object.keys(refreshed.body).sort(), ['conversationId', 'expires_in', 'token']);
      assert.equal(refreshed.body.conversationId, c.id);
      assert.equal(refreshed.body.expires_in, 1800);
      h.clock.now += 11 * 60_000; // 31 minutes after the original was issued
      const expired = await get(h, `/conversations/${c.id}/activities`, c.token).expect(403);
      assert.equal(expired.body.error.code, 'TokenExpired');
      await post(h, '/tokens/refresh', c.token).expect(403);
      await get(h, `/conversations/${c.id}/activities`, refreshed.body.token).expect(200);
      await post(h, `/conversations/${c.id}/activities`, refreshed.body.token, { type: 'message', text: 'after refresh' }).expect(200);
    });

    it('tokens from another process with the same secret are accepted (restarts, several instances)', async () => {
      const h1 = harness();
      const h2 = harness();
      const c = await newConversation(h1);
      await post(h2, `/conversations/${c.id}/activities`, c.token, { type: 'message', text: 'hello again' }).expect(200);
      const other = new TokenService({ secret: 'a-different-secret-0123456789' });
      const foreign = other.issue(c.id as never, 'dl_x' as never).token;
      await get(h1, `/conversations/${c.id}/activities`, foreign).expect(401);
    });
  });

  describe('bad input gets a clear 4xx and breaks nothing', () => {
    async function expectError(res: request.Response, status: number, code: string) {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
    }

    it('malformed JSON → 400, wrong content type → 415, oversized body → 413, not an object → 400', async () => {
      const h = harness();
      const c = await newConversation(h);
      const path = `${DL}/conversations/${c.id}/activities`;
      await expectError(await request(h.app).post(path).set('Authorization', `Bearer ${c.token}`).set('Content-Type', 'application/json').send('{"type":"message",'), 400, 'BadArgument');
      await expectError(await request(h.app).post(path).set('Authorization', `Bearer ${c.token}`).set('Content-Type', 'text/plain').send('hello'), 415, 'UnsupportedMediaType');
      await expectError(await request(h.app).post(path).set('Authorization', `Bearer ${c.token}`).send({ type: 'message', text: 'x'.repeat(1024 * 1024) }), 413, 'BodyTooLarge');
      await expectError(await request(h.app).post(path).set('Authorization', `Bearer ${c.token}`).send([{ type: 'message', text: 'x' }]), 400, 'BadArgument');
    });

    it('wrong activity shapes → 400 with what is wrong', async () => {
      const h = harness();
      const c = await newConversation(h);
      const send = (body: unknown) => post(h, `/conversations/${c.id}/activities`, c.token, body);
      await expectError(await send({ text: 'no type' }), 400, 'MissingProperty');
      await expectError(await send({ type: 'conversationUpdate', membersAdded: [{ id: 'x' }] }), 400, 'BadArgument');
      await expectError(await send({ type: 'message', text: 42 }), 400, 'BadArgument');
      await expectError(await send({ type: 'message' }), 400, 'MissingProperty');
      await expectError(await send({ type: 'message', text: '' }), 400, 'MissingProperty');
      await expectError(await send({ type: 'message', text: '\u0000\u0007' }), 400, 'MissingProperty');
      await send({ type: 'message', text: '   ' }).expect(200); // blank is the citizen's message: the bot answers it
      await expectError(await send({ type: 'message', text: 'x'.repeat(20_001) }), 400, 'BadArgument');
      await expectError(await send({ type: 'message', text: 'x', attachments: [{ contentType: 'image/png', contentUrl: 'http://127.0.0.1/x' }] }), 400, 'BadArgument');
      await expectError(await send({ type: 'event' }), 400, 'MissingProperty');
      await expectError(await send({ type: 'message', text: 'x', channelData: 'str' }), 400, 'BadArgument');
    });

    it('10,000-character messages, emoji and control characters are accepted; controls are stripped', async () => {
      const h = harness();
      const c = await newConversation(h);
      const long = '工资'.repeat(5000);
      await post(h, `/conversations/${c.id}/activities`, c.token, { type: 'message', text: long }).expect(200);
      await post(h, `/conversations/${c.id}/activities`, c.token, { type: 'message', text: '😀👨‍👩‍👧 被打了\u0000\u0007\u001b[31m怎么办\n' }).expect(200);
      const log = (await get(h, `/conversations/${c.id}/activities`, c.token)).body.activities as Wire[];
      assert.ok(log.some((x) => x.text === long));
      assert.ok(log.some((x) => x.text === '😀👨‍👩‍👧 被打了[31m怎么办\n'));
    });

    it('unknown conversation ids and paths are 404 JSON; a bad conversation id is 404 not 500', async () => {
      const h = harness();
      const c = await newConversation(h);
      await get(h, '/conversations/%E4%BD%A0/activities', c.token).expect(404);
      const res = await get(h, '/nothing-here', c.token).expect(404);
      assert.equal(res.body.error.code, 'NotFound');
      await post(h, `/conversations/${c.id}/upload`, c.token).expect(400);
    });

    it('answers CORS preflight for embedding on another site (tokens travel in headers, not cookies)', async () => {
      const h = harness();
      const res = await request(h.app).options(`${DL}/conversations`).set('Origin', 'https://12348.example.org').expect(204);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.match(String(res.headers['access-control-allow-headers']), /Authorization/);
    });

    it('a flood of posts into one conversation is refused with 429 while turns are pending', async () => {
      const h = harness({ maxQueuedTurns: 2 });
      const c = await newConversation(h);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => post(h, `/conversations/${c.id}/activities`, c.token, { type: 'message', text: 'slow 50' })),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 200, 429, 429, 429]);
      assert.equal(results.find((r) => r.status === 429)!.body.error.code, 'TooManyRequests');
    });
  });
});
