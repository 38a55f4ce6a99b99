import assert from 'node:assert/strict';
import WXBizMsgCrypt from 'wechat-crypto';
import { decodeAesKey, sha1Signature, signatureMatches, WeChatCipher } from '../../../src/channels/wechat/crypto';
import { WeChatCryptoError } from '../../../src/channels/wechat/errors';
import { randomAesKey } from './fake-platform';

const TOKEN = 'tok3n';
const APPID = 'wx1234567890abcdef';

describe('wechat crypto', () => {
  const key = randomAesKey();
  const peer = new WXBizMsgCrypt(TOKEN, key, APPID);
  const ours = new WeChatCipher(APPID, key);

  it('signs like the platform (sorted, joined, sha1)', () => {
    assert.equal(sha1Signature([TOKEN, '1700000000', 'n0nce', 'ENC']), peer.getSignature('1700000000', 'n0nce', 'ENC'));
    // The documented example from the WeChat developer docs' algorithm: order of inputs is irrelevant.
    assert.equal(sha1Signature(['b', 'a', 'c']), sha1Signature(['c', 'b', 'a']));
  });

  it('compares signatures in constant time and rejects non-strings and wrong lengths', () => {
    const s = sha1Signature([TOKEN, '1', '2']);
    assert.equal(signatureMatches(s, s), true);
    assert.equal(signatureMatches(s, s.toUpperCase()), true);
    assert.equal(signatureMatches(s, s.slice(1)), false);
    assert.equal(signatureMatches(s, undefined), false);
    assert.equal(signatureMatches(s, ['x']), false);
  });

  it('decrypts what wechat-crypto encrypts and the other way round (Chinese, emoji, every padding length)', () => {
    for (let n = 0; n < 70; n++) {
      // Frame = 16 + 4 + message + AppID (18): lengths cover a 32-byte-aligned frame (full pad block).
      const msg = `<xml><Content><![CDATA[${'法'.repeat(n % 7)}${'a'.repeat(n)}😀]]></Content></xml>`;
      assert.equal(ours.decrypt(peer.encrypt(msg)).message, msg);
      const back = peer.decrypt(ours.encrypt(msg));
      assert.equal(back.message, msg);
      assert.equal(back.id, APPID);
    }
  });

  it('pads a block-aligned frame with a full 32-byte block', () => {
    // 16 + 4 + 10 + 18 (AppID) = 48 → not aligned; 16 + 4 + 26 + 18 = 64 → aligned.
    const aligned = 'x'.repeat(26);
    const enc = Buffer.from(ours.encrypt(aligned), 'base64');
    assert.equal(enc.length, 96);
    assert.equal(peer.decrypt(enc.toString('base64')).message, aligned);
  });

  it('refuses a message for another AppID and garbage ciphertext', () => {
    const other = new WXBizMsgCrypt(TOKEN, key, 'wxOTHERAPP0000000');
    assert.throws(() => ours.decrypt(other.encrypt('<xml/>')), (e: unknown) => e instanceof WeChatCryptoError && e.reason === 'appid-mismatch');
    assert.throws(() => ours.decrypt('not base64!!'), (e: unknown) => e instanceof WeChatCryptoError && e.reason === 'bad-base64');
    assert.throws(() => ours.decrypt(Buffer.alloc(33).toString('base64')), (e: unknown) => e instanceof WeChatCryptoError && e.reason === 'bad-length');
    const wrongKey = new WXBizMsgCrypt(TOKEN, randomAesKey(), APPID);
    assert.throws(() => ours.decrypt(wrongKey.encrypt('<xml/>')), WeChatCryptoError);
  });

  it('accepts the previous key after a rotation and replies with the current one', () => {
    const oldKey = randomAesKey();
    const newKey = randomAesKey();
    const rotated = new WeChatCipher(APPID, newKey, oldKey);
    const fromOld = new WXBizMsgCrypt(TOKEN, oldKey, APPID).encrypt('<xml>old</xml>');
    const fromNew = new WXBizMsgCrypt(TOKEN, newKey, APPID).encrypt('<xml>new</xml>');
    assert.deepEqual(rotated.decrypt(fromOld), { message: '<xml>old</xml>', keyIndex: 1 });
    assert.deepEqual(rotated.decrypt(fromNew), { message: '<xml>new</xml>', keyIndex: 0 });
    assert.equal(new WXBizMsgCrypt(TOKEN, newKey, APPID).decrypt(rotated.encrypt('reply')).message, 'reply');
    assert.throws(() => new WeChatCipher(APPID, newKey).decrypt(fromOld), WeChatCryptoError);
  });

  it('validates the EncodingAESKey', () => {
    assert.equal(decodeAesKey(randomAesKey()).length, 32);
    assert.throws(() => decodeAesKey('short'));
    assert.throws(() => decodeAesKey(`${'a'.repeat(42)}=`));
  });
});
