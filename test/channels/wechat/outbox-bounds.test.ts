import assert from 'node:assert/strict';
import pino from 'pino';
import { WeChatApi } from '../../../src/channels/wechat/api';
import type { OpenId } from '../../../src/channels/wechat/messages';
import { Outbox } from '../../../src/channels/wechat/outbox';
import { FakeWeChatPlatform } from './fake-platform';
import { APPID, SECRET, TOKEN } from './harness';

const user = (i: number) => `oBoundUser_${String(i).padStart(6, '0')}` as OpenId;

describe('wechat outbox memory bounds', () => {
  let platform: FakeWeChatPlatform;
  let logs: Record<string, unknown>[];
  const make = (maxUsers: number) => {
    const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) });
    const api = new WeChatApi({ apiBase: platform.apiBase, appId: APPID, appSecret: SECRET, logger, backoffMs: 2 });
    return new Outbox({ api, logger, maxUsers });
  };

  beforeEach(async () => {
    logs = [];
    platform = await new FakeWeChatPlatform({ token: TOKEN, appId: APPID, appSecret: SECRET }).start();
  });
  afterEach(() => platform.stop());

  it('remembers quota windows for at most maxUsers users, the least recently active forgotten first', () => {
    const outbox = make(3);
    for (let i = 0; i < 10; i++) outbox.onInbound(user(i), 'message');
    outbox.onInbound(user(7), 'message'); // 7 is active again: 8 is now the oldest kept
    outbox.onInbound(user(10), 'message');
    assert.deepEqual(
      [7, 8, 9, 10].map((i) => outbox.windowFor(user(i))),
      ['open', 'unknown', 'open', 'open'],
    );
    assert.equal(outbox.windowFor(user(0)), 'unknown');
  });

  it('keeps deferred messages for at most maxUsers users and logs the users it drops', async () => {
    const outbox = make(3);
    for (let i = 0; i < 10; i++) {
      platform.script.push({ errcode: 45047 });
      assert.equal((await outbox.deliver(user(i), [`late answer ${i}`])).deferred, 1);
    }
    assert.deepEqual(
      Array.from({ length: 10 }, (_, i) => outbox.deferredFor(user(i)).length),
      [0, 0, 0, 0, 0, 0, 0, 1, 1, 1],
    );
    assert.deepEqual(outbox.deferredFor(user(9)), ['late answer 9']);
    assert.equal(logs.filter((l) => l.msg === 'wechat deferred messages dropped (too many users waiting)').length, 7);
  });
});
