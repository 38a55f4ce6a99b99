/**
 * The passive reply alone: what passiveReplyXml writes is checked the way the platform checks it
 * (the fake platform's openReply, which verifies and decrypts with the independent wechat-crypto).
 */
import assert from 'node:assert/strict';
import { WeChatCipher } from '../../../src/channels/wechat/crypto';
import type { InboundMessage, OpenId } from '../../../src/channels/wechat/messages';
import { passiveReplyXml } from '../../../src/channels/wechat/passive-reply';
import { FakeWeChatPlatform, parseFlatXml, randomAesKey } from './fake-platform';
import { APPID, SECRET, TOKEN } from './harness';

const KEY = randomAesKey();
const platform = new FakeWeChatPlatform({ token: TOKEN, appId: APPID, appSecret: SECRET, encodingAESKey: KEY });
const message: InboundMessage = { kind: 'text', content: '问题', account: platform.account, openId: 'oReply' as OpenId, createTime: 1, msgId: '1' };
const NOW = Date.UTC(2026, 0, 1, 8, 0, 0);

describe('wechat passive reply', () => {
  it('answers a plaintext request with a plaintext text message from our account to the citizen', () => {
    const xml = passiveReplyXml({ message, encrypted: false }, '你好', { token: TOKEN, cipher: new WeChatCipher(APPID, KEY), now: () => NOW });
    const reply = platform.openReply(xml, false);
    assert.deepEqual(
      { to: reply.ToUserName, from: reply.FromUserName, type: reply.MsgType, at: reply.CreateTime, content: reply.Content },
      { to: 'oReply', from: platform.account, type: 'text', at: String(NOW / 1000), content: '你好' },
    );
    assert.equal(parseFlatXml(xml).Encrypt, undefined);
  });

  it('answers an encrypted request with a signed envelope that opens for our AppID', () => {
    const xml = passiveReplyXml({ message, encrypted: true }, '加密的回答', { token: TOKEN, cipher: new WeChatCipher(APPID, KEY), now: () => NOW });
    const env = parseFlatXml(xml);
    assert.ok(env.Encrypt && env.MsgSignature && env.Nonce, 'envelope fields present');
    assert.equal(env.TimeStamp, String(NOW / 1000));
    assert.equal(env.Content, undefined, 'no plaintext next to the ciphertext');
    assert.equal(platform.openReply(xml, true).Content, '加密的回答');
  });

  it('encrypts with the current key after a rotation, never the previous one', () => {
    const fresh = randomAesKey();
    const xml = passiveReplyXml({ message, encrypted: true }, 'x', { token: TOKEN, cipher: new WeChatCipher(APPID, fresh, KEY), now: () => NOW });
    const rotated = new FakeWeChatPlatform({ token: TOKEN, appId: APPID, appSecret: SECRET, encodingAESKey: fresh });
    assert.equal(rotated.openReply(xml, true).Content, 'x');
    assert.throws(() => platform.openReply(xml, true));
  });

  it('keeps content that looks like XML inside one text node', () => {
    const sneaky = 'a ]]></Content><MsgType>image</MsgType><Content><![CDATA[b';
    const xml = passiveReplyXml({ message, encrypted: false }, sneaky, { token: TOKEN, now: () => NOW });
    const reply = platform.openReply(xml, false);
    assert.equal(reply.Content, sneaky);
    assert.equal(reply.MsgType, 'text');
  });
});
