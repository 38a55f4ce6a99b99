import assert from 'node:assert/strict';
import pino from 'pino';
import { WeChatApi } from '../../../src/channels/wechat/api';
import { WeChatApiError } from '../../../src/channels/wechat/errors';
import type { OpenId } from '../../../src/channels/wechat/messages';
import { Outbox } from '../../../src/channels/wechat/outbox';
import { FakeWeChatPlatform } from './fake-platform';
import { APPID, eventually, type Harness, SECRET, startHarness, TOKEN } from './harness';

const USER = 'oCsUser_0123456789' as OpenId;

describe('wechat customer-service API', () => {
  let platform: FakeWeChatPlatform;
  let logs: Record<string, unknown>[];
  let now: number;
  const make = (o: Partial<ConstructorParameters<typeof WeChatApi>[0]> = {}) => {
    const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) });
    const api = new WeChatApi({ apiBase: platform.apiBase, appId: APPID, appSecret: SECRET, logger, backoffMs: 2, clock: () => now, ...o });
    return { api, outbox: new Outbox({ api, logger, clock: () => now, deferredIntro: () => '之前的回复：' }) };
  };

  beforeEach(async () => {
    now = Date.now();
    logs = [];
    platform = await new FakeWeChatPlatform({ token: TOKEN, appId: APPID, appSecret: SECRET }).start();
  });
  afterEach(() => platform.stop());

  it('caches the access_token, refreshes it early, and fetches it once for concurrent callers', async () => {
    const { api, outbox } = make({ refreshEarlyMs: 5 * 60_000 });
    await Promise.all([outbox.deliver(USER, ['a']), outbox.deliver('oOther_user_1' as OpenId, ['b']), api.accessToken()]);
    await outbox.deliver(USER, ['c']);
    assert.equal(platform.tokenRequests.length, 1);
    now += 7200_000 - 5 * 60_000 - 1000; // still before the early-refresh point
    await outbox.deliver(USER, ['d']);
    assert.equal(platform.tokenRequests.length, 1);
    now += 2000; // past it: refreshed before WeChat would expire it
    await outbox.deliver(USER, ['e']);
    assert.equal(platform.tokenRequests.length, 2);
    assert.deepEqual(platform.sentTo(USER), ['a', 'c', 'd', 'e']);
  });

  it('fetches a new token when WeChat says it is invalid (40001) or expired (42001)', async () => {
    const { outbox } = make();
    await outbox.deliver(USER, ['one']);
    platform.revokeTokens(); // e.g. another server refreshed it
    await outbox.deliver(USER, ['two']);
    platform.script.push({ errcode: 42001 });
    await outbox.deliver(USER, ['three']);
    assert.deepEqual(platform.sentTo(USER), ['one', 'two', 'three']);
    assert.equal(platform.tokenRequests.length, 3);
  });

  it('does not refresh forever when the token keeps being refused', async () => {
    const { outbox } = make();
    platform.script.push({ errcode: 40001 }, { errcode: 40001 }, { errcode: 40001 });
    const r = await outbox.deliver(USER, ['x']);
    assert.equal(r.failed, 1);
    assert.equal(r.lastError?.errcode, 40001);
    assert.equal(platform.tokenRequests.length, 2);
  });

  it('retries system busy (-1), HTTP 5xx and slow answers with backoff, a bounded number of times', async () => {
    const { api, outbox } = make({ retries: 3, requestTimeoutMs: 200 });
    platform.script.push({ errcode: -1 }, { http: 502 }, { delayMs: 400 });
    const r = await outbox.deliver(USER, ['终于成功']);
    assert.equal(r.sent, 1);
    assert.deepEqual(platform.sentTo(USER), ['终于成功']);
    assert.equal(api.stats.retries, 3);

    platform.script.push({ errcode: -1 }, { errcode: -1 }, { errcode: -1 }, { errcode: -1 }, { errcode: -1 });
    const failed = await outbox.deliver(USER, ['never']);
    assert.equal(failed.failed, 1);
    assert.equal(platform.script.length, 1, 'four tries (one + three retries), then it gives up');
    assert.ok(logs.some((l) => l.msg === 'wechat customer-service message failed'));
  });

  it('splits a text WeChat finds too long (45002) at a boundary and sends the halves in order', async () => {
    const { outbox } = make();
    platform.maxContentBytes = 300;
    const text = Array.from({ length: 6 }, (_, i) => `第${i + 1}段${'维权'.repeat(20)}。`).join('\n\n');
    const r = await outbox.deliver(USER, [text]);
    assert.equal(r.sent, 1);
    const sent = platform.sentTo(USER);
    assert.ok(sent.length >= 2);
    for (const s of sent) assert.ok(Buffer.byteLength(s) <= 300);
    assert.equal(sent.join('\n\n'), text);
  });

  it('defers on quota (45047) or window (45015) errors, logs it, and sends after the user writes again', async () => {
    const { outbox } = make();
    platform.script.push({ errcode: 45047 });
    const r = await outbox.deliver(USER, ['第一条', '第二条']);
    assert.deepEqual([r.sent, r.deferred], [0, 2]);
    assert.deepEqual(outbox.deferredFor(USER), ['第一条', '第二条']);
    assert.ok(logs.some((l) => l.msg === 'wechat customer-service message deferred until the user writes again'));
    assert.equal(platform.cs.length, 0);
    outbox.onInbound(USER, 'message');
    await outbox.flushDeferred(USER);
    assert.deepEqual(platform.sentTo(USER), ['之前的回复：\n\n第一条', '第二条']);
    assert.deepEqual(outbox.deferredFor(USER), []);

    platform.script.push({ errcode: 45015 });
    assert.equal((await outbox.deliver(USER, ['窗口外'])).deferred, 1);
  });

  it('keeps to the quota itself: 5 messages after a user message, 3 after a menu click', async () => {
    const { outbox } = make();
    outbox.onInbound(USER, 'message');
    const r = await outbox.deliver(USER, ['1', '2', '3', '4', '5', '6', '7']);
    assert.deepEqual([r.sent, r.deferred], [5, 2]);
    const other = 'oClicker_000000' as OpenId;
    outbox.onInbound(other, 'event');
    const c = await outbox.deliver(other, ['a', 'b', 'c', 'd']);
    assert.deepEqual([c.sent, c.deferred], [3, 1]);
    now += 61_000; // the click's minute is over: let WeChat decide again
    assert.equal((await outbox.deliver(other, ['e'])).sent, 1);
  });

  it('reports bad credentials as a WeChatApiError', async () => {
    const { api } = make({ appSecret: 'wrong' });
    await assert.rejects(api.accessToken(), (e: unknown) => e instanceof WeChatApiError && e.errcode === 40013);
  });
});

describe('wechat channel: customer-service errors end to end', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('a late answer that hits 45047 is delivered after the citizen\'s next message, once', async () => {
    h = await startHarness({ tuning: { replyBudgetMs: 100 } });
    const user = 'oLateUser_12345';
    h.platform.script.push({ errcode: 45047 });
    assert.equal((await h.platform.post(h.platform.text(user, 'slow 300 第一问'))).body, 'success');
    await eventually(() => (h.channel.outbox?.deferredFor(user as OpenId).length ?? 0) === 1);
    const next = await h.platform.post(h.platform.text(user, '第二问'));
    assert.equal(next.reply?.Content, '你说：第二问');
    await h.channel.idle();
    assert.deepEqual(h.platform.sentTo(user), ['您之前还有一条没有收到的回复：\n\n你说：slow 300 第一问']);
  });
});
