import assert from 'node:assert/strict';
import { WeChatRequestError } from '../../../src/channels/wechat/errors';
import { cdata, parseWeChatXml, stripInvalidXmlChars, textReplyXml } from '../../../src/channels/wechat/xml';
import { parseFlatXml } from './fake-platform';

const refused = (reason: string) => (e: unknown) => e instanceof WeChatRequestError && e.status === 400 && e.reason === reason;

describe('wechat xml', () => {
  it('reads a WeChat message: CDATA, numbers kept as strings (64-bit MsgId), entities decoded once', () => {
    const r = parseWeChatXml(
      '<?xml version="1.0"?><xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1700000000</CreateTime>' +
        '<MsgId>9223372036854775807</MsgId><Content><![CDATA[a]]]]><![CDATA[>b & <c>]]></Content><Plain>x &amp;lt; y &#x4E2D;</Plain>' +
        '<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo></xml>',
    );
    assert.equal(r.ToUserName, 'gh_1');
    assert.equal(r.MsgId, '9223372036854775807');
    assert.equal(r.Content, 'a]]>b & <c>');
    assert.equal(r.Plain, 'x &lt; y 中');
    assert.deepEqual(r.ScanCodeInfo, { ScanType: 'qrcode' });
  });

  it('refuses DTDs and entity declarations (billion laughs, XXE) before parsing', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Content>&lol3;</Content></xml>';
    const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>';
    const lower = '<!doctype xml><xml/>';
    for (const x of [laughs, xxe, lower]) assert.throws(() => parseWeChatXml(x), refused('xml-dtd'));
    // An undeclared entity reference is left as text, never resolved.
    assert.equal(parseWeChatXml('<xml><C>&xxe;</C></xml>').C, '&xxe;');
  });

  it('refuses malformed XML and other roots with 400', () => {
    assert.throws(() => parseWeChatXml('<xml><A>unclosed</xml>'), refused('xml-malformed'));
    assert.throws(() => parseWeChatXml('not xml at all'), (e: unknown) => e instanceof WeChatRequestError && e.status === 400);
    assert.throws(() => parseWeChatXml('<root><A>1</A></root>'), refused('xml-root'));
    assert.throws(() => parseWeChatXml('<xml><A>1</A></xml><xml/>'), refused('xml-root'));
    assert.throws(() => parseWeChatXml(''), (e: unknown) => e instanceof WeChatRequestError && e.status === 400);
  });

  it('keeps "]]>" inside one CDATA text and drops characters XML cannot carry', () => {
    const nasty = 'end]]><xml><Evil/></xml>]]]]>\u0000\u0007\uD800ok😀\uFFFE';
    const reply = textReplyXml({ toUser: 'o_user', fromUser: 'gh_1', createTime: 1700000000, content: nasty });
    const back = parseFlatXml(reply);
    assert.equal(back.Content, 'end]]><xml><Evil/></xml>]]]]>ok😀');
    assert.equal(back.ToUserName, 'o_user');
    assert.equal(stripInvalidXmlChars('a\tb\nc\rd'), 'a\tb\nc\rd');
    assert.equal(cdata(']]>'), '<![CDATA[]]]]><![CDATA[>]]>');
  });
});
