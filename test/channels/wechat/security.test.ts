import assert from 'node:assert/strict';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../../src/http/rate-limits';
import { messageXml, nextMsgId, rawRequest } from './fake-platform';
import { type Harness, startHarness } from './harness';

describe('wechat channel against a hostile caller', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  describe('D4: safe mode and signed-URL replay', () => {
    it('refuses a plaintext body on a safe-mode account, even with encrypt_type=aes and a zero msg_signature', async () => {
      h = await startHarness({ mode: 'safe' });
      const fields = h.platform.text('oAttacker', '我在邳州市');
      const { path } = h.platform.build(fields, { mode: 'plain' });
      const withAes = `${path}&encrypt_type=aes&msg_signature=${'0'.repeat(40)}`;
      for (const p of [path, withAes]) {
        const r = await rawRequest(`${h.url}${p}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: messageXml(fields) });
        assert.equal(r.status, 401, r.body);
      }
      assert.equal(h.seen.length, 0, 'no turn ran');
      // The real platform's encrypted message still works.
      const ok = await h.platform.post(h.platform.text('oCitizen', '你好'), { mode: 'safe' });
      assert.equal(ok.reply?.Content, '你说：你好');
    });

    it('a signed URL carries one message: the same timestamp+nonce with a new body is a replay (401); the same body is a retry', async () => {
      h = await startHarness({ mode: 'plain' });
      const nonce = '424242';
      const timestamp = Math.floor(Date.now() / 1000);
      const first = h.platform.text('oVictim', '第一条');
      const r1 = await h.platform.post(first, { nonce, timestamp });
      assert.equal(r1.status, 200);
      for (let i = 0; i < 3; i++) {
        const replay = await h.platform.post(h.platform.text('oVictim', `伪造 ${i}`), { nonce, timestamp });
        assert.equal(replay.status, 401, replay.body);
      }
      const retry = await h.platform.post(first, { nonce, timestamp });
      assert.equal(retry.status, 200);
      await h.channel.idle();
      assert.deepEqual(h.seen.map((a) => a.text), ['第一条'], 'one turn: no replayed body ran');
      assert.ok(h.logs.some((l) => l.reason === 'replayed-nonce' && l.level === 40));
    });
  });

  it('a retry re-encrypted under the same signed URL is the same message; other content with the same MsgId is a replay', async () => {
    h = await startHarness({ mode: 'safe' });
    const nonce = '515151';
    const timestamp = Math.floor(Date.now() / 1000);
    const msg = h.platform.text('oSafe', '加密的问题');
    assert.equal((await h.platform.post(msg, { mode: 'safe', nonce, timestamp })).status, 200);
    const again = await h.platform.post(msg, { mode: 'safe', nonce, timestamp }); // fresh random prefix: another ciphertext
    assert.equal(again.status, 200);
    assert.equal(again.reply?.Content, '你说：加密的问题');
    const forged = await h.platform.post({ ...msg, Content: '改过的内容' }, { mode: 'safe', nonce, timestamp });
    assert.equal(forged.status, 401);
    await h.channel.idle();
    assert.deepEqual(h.seen.map((a) => a.text), ['加密的问题']);
  });

  it('D5: two users sending the same MsgId each get their own answer', async () => {
    h = await startHarness({ mode: 'plain' });
    const msgId = nextMsgId();
    const a = await h.platform.post(h.platform.text('o1', '您在铜山区', msgId));
    const b = await h.platform.post(h.platform.text('o2', '我是第二个人', msgId));
    assert.equal(a.reply?.Content, '你说：您在铜山区');
    assert.equal(b.reply?.Content, '你说：我是第二个人');
    await h.channel.idle();
    assert.equal(h.seen.length, 2);
  });

  it('rate limits one user (429 with Retry-After) but not the platform address other users share', async () => {
    const limits = new RateLimits({ ...DEFAULT_RATE_LIMITS, wechatPerUser: { points: 3, durationSec: 60 } });
    h = await startHarness({ mode: 'plain', deps: { limits } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.platform.post(h.platform.text('oFlood', `第${i}条`))).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const other = await h.platform.post(h.platform.text('oOther', '我也要问'));
    assert.equal(other.status, 200);
    const { path, body } = h.platform.build(h.platform.text('oFlood', 'x'));
    const r = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: typeof body === 'string' ? body : new Uint8Array(body) });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  });

  it('answers forged requests from one address with 429 once they pass the refused-request limit', async () => {
    const limits = new RateLimits({ ...DEFAULT_RATE_LIMITS, wechatRefusedPerIp: { points: 2, durationSec: 60 } });
    h = await startHarness({ mode: 'plain', deps: { limits } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.platform.post(h.platform.text('oX', 'x'), { signToken: 'wrong' })).status);
    assert.deepEqual(statuses, [401, 401, 429, 429]);
  });
});
