/**
 * The request stage alone: RequestReader behind a bare Express route (no bot, no dedupe), driven
 * by the fake platform's signing and the independent wechat-crypto package.
 */
import assert from 'node:assert/strict';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { WeChatCipher } from '../../../src/channels/wechat/crypto';
import { type MessageMode, RequestReader } from '../../../src/channels/wechat/request';
import { MemoryExpiringStore } from '../../../src/state/expiring';
import { FakeWeChatPlatform, randomAesKey, type SendOptions } from './fake-platform';
import { APPID, SECRET, TOKEN } from './harness';

const KEY = randomAesKey();
const platform = new FakeWeChatPlatform({ token: TOKEN, appId: APPID, appSecret: SECRET, encodingAESKey: KEY });

function reader(messageMode: MessageMode, o: { previousKey?: string; currentKey?: string } = {}) {
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) });
  const r = new RequestReader({
    token: TOKEN,
    cipher: messageMode === 'plain' ? undefined : new WeChatCipher(APPID, o.currentKey ?? KEY, o.previousKey),
    messageMode,
    nonces: new MemoryExpiringStore(1000),
    maxClockSkewSec: 300,
    maxBodyBytes: 4096,
    bodyTimeoutMs: 2000,
    now: Date.now,
    log,
  });
  const app = express();
  app.post('/wechat', async (req, res) => {
    try {
      const parsed = await r.read(req);
      res.json({ ...parsed.message, encrypted: parsed.encrypted });
    } catch (err) {
      await r.refuse(req, res, err);
    }
  });
  const post = (fields: Record<string, string | number>, s: SendOptions = {}) => {
    const { path, body } = platform.build(fields, s);
    return request(app)
      .post(path)
      .set('content-type', s.contentType ?? 'text/xml')
      .send(body);
  };
  return { post, logs, app };
}

const reasons = (logs: Record<string, unknown>[]) => logs.map((l) => l.reason).filter(Boolean);

describe('wechat request: from a signed POST to one parsed message', () => {
  it('reads a signed plaintext message', async () => {
    const { post } = reader('plain');
    const r = await post(platform.text('oUser', '你好'));
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, 'text');
    assert.equal(r.body.content, '你好');
    assert.equal(r.body.openId, 'oUser');
    assert.equal(r.body.encrypted, false);
  });

  it('refuses a wrong signature and a stale timestamp with 401, naming why in the log', async () => {
    const { post, logs } = reader('plain');
    assert.equal((await post(platform.text('oUser', 'x'), { signToken: 'wrong' })).status, 401);
    assert.equal((await post(platform.text('oUser', 'x'), { timestamp: Math.floor(Date.now() / 1000) - 301 })).status, 401);
    assert.deepEqual(reasons(logs), ['bad-signature', 'stale']);
  });

  it('checks type and declared size before the signature: a forged oversized body is 413, a JSON body 415', async () => {
    const { post, logs } = reader('plain');
    const big = await post(platform.text('oUser', 'x'), { signToken: 'wrong', rawBody: `<xml>${'a'.repeat(10_000)}</xml>` });
    assert.equal(big.status, 413);
    assert.equal(big.headers.connection, 'close', 'the unread rest of the body is not waited for');
    assert.equal((await post(platform.text('oUser', 'x'), { signToken: 'wrong', contentType: 'application/json' })).status, 415);
    assert.deepEqual(reasons(logs), ['too-large', 'content-type']);
  });

  it('refuses bodies that are not UTF-8 or not XML with 400', async () => {
    const { post, logs } = reader('plain');
    assert.equal((await post(platform.text('oUser', 'x'), { rawBody: Buffer.from([0x3c, 0xff, 0xfe]) })).status, 400);
    assert.equal((await post(platform.text('oUser', 'x'), { rawBody: '<xml><a></xml>' })).status, 400);
    assert.equal(reasons(logs)[0], 'bad-encoding');
  });

  it('safe mode: opens the encrypted message, and refuses plaintext, a wrong msg_signature and another AppID', async () => {
    const { post, logs } = reader('safe');
    const ok = await post(platform.text('oSafe', '加密'), { mode: 'safe' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.content, '加密');
    assert.equal(ok.body.encrypted, true);
    assert.equal((await post(platform.text('oSafe', 'x'))).status, 401);
    assert.equal((await post(platform.text('oSafe', 'x'), { mode: 'safe', msgSignature: '0'.repeat(40) })).status, 401);
    assert.equal((await post(platform.text('oSafe', 'x'), { mode: 'safe', appId: 'wxanotheraccount00' })).status, 401);
    assert.deepEqual(reasons(logs), ['not-encrypted', 'bad-msg-signature', 'decrypt-appid-mismatch']);
  });

  it('compatible mode reads the encrypted copy when there is one and plaintext otherwise', async () => {
    const { post } = reader('compatible');
    const enc = await post(platform.text('oCompat', '兼容'), { mode: 'compat' });
    assert.deepEqual([enc.status, enc.body.content, enc.body.encrypted], [200, '兼容', true]);
    const plain = await post(platform.text('oCompat', '明文'));
    assert.deepEqual([plain.status, plain.body.content, plain.body.encrypted], [200, '明文', false]);
  });

  it('after a key rotation still opens messages under the previous key, and says so in the log', async () => {
    const { post, logs } = reader('safe', { currentKey: randomAesKey(), previousKey: KEY });
    const r = await post(platform.text('oRotated', '旧密钥'), { mode: 'safe' });
    assert.equal(r.body.content, '旧密钥');
    assert.ok(logs.some((l) => /previous EncodingAESKey/.test(String(l.msg))));
  });

  it('a signed URL carries one message: another message under it is a replay (401), the same one is a retry', async () => {
    const { post, logs } = reader('safe');
    const url = { mode: 'safe' as const, nonce: '777', timestamp: Math.floor(Date.now() / 1000) };
    const msg = platform.text('oNonce', '第一条');
    assert.equal((await post(msg, url)).status, 200);
    assert.equal((await post(msg, url)).status, 200, 'the retry is re-encrypted with a fresh prefix: still the same message');
    assert.equal((await post({ ...msg, Content: '另一条' }, url)).status, 401);
    assert.deepEqual(reasons(logs), ['replayed-nonce']);
  });
});
