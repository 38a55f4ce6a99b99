import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import WXBizMsgCrypt from 'wechat-crypto';
import { sha1Signature } from '../../../src/channels/wechat/crypto';
import { messageXml, nextMsgId, randomAesKey, rawRequest } from './fake-platform';
import { APPID, eventually, type Harness, lexiconWithExtraTwo, startHarness, TOKEN } from './harness';

const USER = 'oUser_0123456789abcdefghij';

function signedQuery(o: { timestamp?: number; token?: string; echostr?: string } = {}): string {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = '12345';
  const signature = sha1Signature([o.token ?? TOKEN, timestamp, nonce]);
  const q = new URLSearchParams({ signature, timestamp, nonce });
  if (o.echostr) q.set('echostr', o.echostr);
  return q.toString();
}

describe('wechat channel: protocol', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  describe('URL verification (GET)', () => {
    beforeEach(async () => {
      h = await startHarness();
    });

    it('echoes echostr for a valid signature', async () => {
      const r = await rawRequest(`${h.url}/wechat?${signedQuery({ echostr: '8613572468' })}`, {});
      assert.equal(r.status, 200);
      assert.equal(r.body, '8613572468');
    });

    it('refuses forged and stale verification requests with 401 and logs them', async () => {
      const forged = await rawRequest(`${h.url}/wechat?${signedQuery({ echostr: 'x', token: 'wrong' })}`, {});
      const stale = await rawRequest(`${h.url}/wechat?${signedQuery({ echostr: 'x', timestamp: Math.floor(Date.now() / 1000) - 3600 })}`, {});
      const missing = await rawRequest(`${h.url}/wechat?echostr=x`, {});
      assert.deepEqual([forged.status, stale.status, missing.status], [401, 401, 401]);
      assert.ok(h.logs.some((l) => l.reason === 'bad-signature' && l.level === 40));
      assert.ok(h.logs.some((l) => l.reason === 'stale'));
    });
  });

  describe('plaintext mode', () => {
    beforeEach(async () => {
      h = await startHarness();
    });

    it('answers a text message passively; one OpenID is one conversation', async () => {
      const r = await h.platform.post(h.platform.text(USER, '公司拖欠工资怎么办'));
      assert.equal(r.status, 200);
      assert.equal(r.reply?.Content, '你说：公司拖欠工资怎么办');
      assert.equal(r.reply?.ToUserName, USER);
      await h.platform.post(h.platform.text(USER, '第二句'));
      const [a, b] = h.seen;
      assert.equal(a?.channelId, 'wechat');
      assert.equal(a?.from?.id, USER);
      assert.equal(a?.conversation?.id, `wechat:${USER}`);
      assert.equal(b?.conversation?.id, a?.conversation?.id);
      assert.equal(h.platform.cs.length, 0);
    });

    it('refuses forged signatures and stale or future timestamps with 401, without running the bot', async () => {
      const forged = await h.platform.post(h.platform.text(USER, 'x'), { signToken: 'not-the-token' });
      const stale = await h.platform.post(h.platform.text(USER, 'x'), { timestamp: Math.floor(Date.now() / 1000) - 301 });
      const future = await h.platform.post(h.platform.text(USER, 'x'), { timestamp: Math.floor(Date.now() / 1000) + 400 });
      assert.deepEqual([forged.status, stale.status, future.status], [401, 401, 401]);
      assert.equal(h.seen.length, 0);
      assert.equal(h.logs.filter((l) => l.status === 401).length, 3);
    });

    it('refuses DTDs (billion laughs, XXE), malformed XML, wrong content types and 1 MB bodies with 4xx', async () => {
      const laughs =
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
        `<xml><ToUserName>gh</ToUserName><FromUserName>${USER}</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content></xml>`;
      const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>`;
      const fields = h.platform.text(USER, 'x');
      const cases: [string, Parameters<typeof h.platform.post>[1], number][] = [
        ['billion laughs', { rawBody: laughs }, 400],
        ['xxe', { rawBody: xxe }, 400],
        ['malformed', { rawBody: '<xml><Content>unclosed</xml>' }, 400],
        ['not xml', { rawBody: '{"MsgType":"text"}' }, 400],
        ['missing fields', { rawBody: '<xml><Content>hi</Content></xml>' }, 400],
        ['invalid utf-8', { rawBody: Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e]) }, 400],
        ['json content type', { contentType: 'application/json' }, 415],
        ['form content type', { contentType: 'application/x-www-form-urlencoded' }, 415],
        ['1 MB', { rawBody: `<xml><Content><![CDATA[${'a'.repeat(1024 * 1024)}]]></Content></xml>` }, 413],
      ];
      for (const [name, o, status] of cases) {
        const r = await h.platform.post(fields, o);
        assert.equal(r.status, status, `${name}: got ${r.status} ${r.body}`);
      }
      // 1 MB without a content-length (chunked): the stream is cut at the limit, still 413.
      const q = h.platform.build(fields).path;
      const chunked = await rawRequest(`${h.url}${q}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml', 'transfer-encoding': 'chunked' },
        body: Buffer.alloc(1024 * 1024, 0x61),
      });
      assert.equal(chunked.status, 413);
      assert.equal(h.seen.length, 0, 'no bad request reached the bot');
      // And the server still answers normally.
      assert.equal((await h.platform.post(h.platform.text(USER, 'still fine'))).reply?.Content, '你说：still fine');
    });

    it('a slow client, an attack and a slow bot do not hold up another user', async () => {
      const { path, body } = h.platform.build(h.platform.text('oSlowClient', 'x'));
      let slowDone = false;
      const slowClient = rawRequest(`${h.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
        stallAfterBytes: 10,
      }).finally(() => (slowDone = true));
      let slowBotDone = false;
      const slowBot = h.platform.post(h.platform.text('oSlowBotUser', 'slow 250 ok'), {}).finally(() => (slowBotDone = true));
      const attack = h.platform.post(h.platform.text(USER, 'x'), { rawBody: `<!DOCTYPE a [<!ENTITY a "${'a'.repeat(60_000)}">]><xml/>` });
      const good = await h.platform.post(h.platform.text(USER, '正常的问题'));
      assert.equal(good.reply?.Content, '你说：正常的问题');
      assert.equal(slowDone, false, 'the good request finished while the slow client was still sending');
      assert.equal(slowBotDone, false, 'and while the other user\'s slow turn was still running');
      assert.equal((await attack).status, 400);
      assert.equal((await slowBot).reply?.Content, '你说：slow 250 ok');
      const stalled = await slowClient; // cut by the body timeout
      assert.equal(stalled.status, 400);
    });

    it('keeps "]]>" in an answer from breaking the reply envelope', async () => {
      const r = await h.platform.post(h.platform.text(USER, 'cdata'));
      assert.equal(r.reply?.Content, 'before ]]></Content></xml><xml><Content>injected ]]> after');
    });

    it('says sorry (and not nothing) when the bot fails', async () => {
      const r = await h.platform.post(h.platform.text(USER, 'throw'));
      assert.match(r.reply?.Content ?? '', /12348/);
      assert.ok(h.logs.some((l) => l.msg === 'wechat turn failed'));
    });

    it('gives a 10,000-character message with emoji and control characters to the bot intact but clean', async () => {
      const text = `${'工资😀'.repeat(3333)}\u0000\u0007x`;
      const r = await h.platform.post(h.platform.text(USER, text));
      assert.equal(r.status, 200);
      assert.equal(h.seen[0]?.text, `${'工资😀'.repeat(3333)}x`);
    });
  });

  describe('safe mode', () => {
    it('decrypts requests and encrypts replies the platform can verify and open', async () => {
      h = await startHarness({ mode: 'safe' });
      const r = await h.platform.post(h.platform.text(USER, '你好 safe'), { mode: 'safe' });
      assert.equal(r.status, 200);
      assert.ok(r.body.includes('<Encrypt>') && !r.body.includes('你说'), 'the reply is encrypted');
      assert.equal(r.reply?.Content, '你说：你好 safe');
    });

    it('checks both the plain signature and msg_signature', async () => {
      h = await startHarness({ mode: 'safe' });
      const badMsgSig = await h.platform.post(h.platform.text(USER, 'x'), { mode: 'safe', msgSignature: 'f'.repeat(40) });
      const badPlainSig = await h.platform.post(h.platform.text(USER, 'x'), { mode: 'safe', signToken: 'wrong' });
      assert.deepEqual([badMsgSig.status, badPlainSig.status], [401, 401]);
      assert.equal(h.seen.length, 0);
    });

    it('refuses a message encrypted for another AppID (401) and DTDs inside the ciphertext (400)', async () => {
      h = await startHarness({ mode: 'safe' });
      const other = await h.platform.post(h.platform.text(USER, 'x'), { mode: 'safe', appId: 'wxANOTHERAPP00000' });
      assert.equal(other.status, 401);
      const c = h.platform.crypto();
      const encrypt = c.encrypt('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>');
      const ts = String(Math.floor(Date.now() / 1000));
      const q = new URLSearchParams({
        signature: sha1Signature([TOKEN, ts, '1']),
        timestamp: ts,
        nonce: '1',
        encrypt_type: 'aes',
        msg_signature: c.getSignature(ts, '1', encrypt),
      });
      const r = await rawRequest(`${h.url}/wechat?${q}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
      });
      assert.equal(r.status, 400);
    });

    it('compatible mode: reads the encrypted copy and answers encrypted', async () => {
      h = await startHarness({ mode: 'compat' });
      const r = await h.platform.post(h.platform.text(USER, '兼容模式'), { mode: 'compat' });
      assert.ok(r.body.includes('<Encrypt>'));
      assert.equal(r.reply?.Content, '你说：兼容模式');
      // A plaintext request to an account with a key configured (mode switched back) still works.
      const plain = await h.platform.post(h.platform.text(USER, 'plain again'), { mode: 'plain' });
      assert.equal(plain.reply?.Content, '你说：plain again');
    });

    it('accepts the previous EncodingAESKey after a rotation and replies with the new one', async () => {
      const oldKey = randomAesKey();
      const newKey = randomAesKey();
      h = await startHarness({ mode: 'safe', encodingAESKey: newKey, previousEncodingAESKey: oldKey, platformKey: newKey });
      const viaOld = await h.platform.post(h.platform.text(USER, 'old key'), { mode: 'safe', encodingAESKey: oldKey });
      assert.equal(viaOld.status, 200);
      assert.equal(viaOld.reply?.Content, '你说：old key', 'the reply opens with the new key');
      const viaNew = await h.platform.post(h.platform.text(USER, 'new key'), { mode: 'safe' });
      assert.equal(viaNew.reply?.Content, '你说：new key');
      const unknown = await h.platform.post(h.platform.text(USER, 'x'), { mode: 'safe', encodingAESKey: randomAesKey() });
      assert.equal(unknown.status, 400);
    });

    it('without a configured key, an encrypted-only message is a clear 400', async () => {
      h = await startHarness({ mode: 'plain' });
      const key = randomAesKey();
      const c = new WXBizMsgCrypt(TOKEN, key, APPID);
      const encrypt = c.encrypt(messageXml(h.platform.text(USER, 'x')));
      const ts = String(Math.floor(Date.now() / 1000));
      const q = new URLSearchParams({ signature: sha1Signature([TOKEN, ts, '1']), timestamp: ts, nonce: '1', encrypt_type: 'aes', msg_signature: c.getSignature(ts, '1', encrypt) });
      const r = await rawRequest(`${h.url}/wechat?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` });
      assert.equal(r.status, 400);
    });
  });

  describe('deadline and retries', () => {
    it('a slow bot: "success" within the budget, then the answer once via customer service', async () => {
      h = await startHarness({ tuning: { replyBudgetMs: 150 } });
      const t0 = Date.now();
      const tries = await h.platform.deliver(h.platform.text(USER, 'slow 400 慢回答'), { timeoutMs: 1000 });
      assert.equal(tries.length, 1);
      assert.equal(tries[0]!.body, 'success');
      assert.ok(Date.now() - t0 < 1000);
      await eventually(() => h.platform.cs.length > 0, 3000, 'customer-service message');
      await h.channel.idle();
      assert.deepEqual(h.platform.sentTo(USER), ['你说：slow 400 慢回答']);
    });

    it('WeChat retrying the same MsgId three times: one turn, one answer (the retry that is still waiting gets it)', async () => {
      h = await startHarness({ tuning: { replyBudgetMs: 1000 } });
      const msg = h.platform.text(USER, 'slow 500 重试');
      // The platform drops each try after 400 ms (as WeChat does at 5 s; here sooner than our budget,
      // as when the network loses a response) and tries again.
      const tries = await h.platform.deliver(msg, { timeoutMs: 400 });
      assert.deepEqual(tries.map((t) => t.timedOut), [true, false]);
      assert.equal(tries[1]!.reply?.Content, '你说：slow 500 重试');
      await h.channel.idle();
      assert.equal(h.seen.length, 1, 'one bot turn');
      assert.equal(h.platform.cs.length, 0, 'no second answer through customer service');
    });

    it('all three tries dropped before the bot finishes: still exactly one answer, via customer service', async () => {
      h = await startHarness({ tuning: { replyBudgetMs: 1000 } });
      const tries = await h.platform.deliver(h.platform.text(USER, 'slow 700 都超时'), { timeoutMs: 100 });
      assert.equal(tries.length, 3);
      assert.ok(tries.every((t) => t.timedOut));
      await eventually(() => h.platform.cs.length > 0, 3000);
      await h.channel.idle();
      assert.equal(h.seen.length, 1);
      assert.deepEqual(h.platform.sentTo(USER), ['你说：slow 700 都超时']);
    });

    it('the same message arriving three times at once: one turn, the same reply to each', async () => {
      h = await startHarness();
      const msg = h.platform.text(USER, '并发重复');
      const rs = await Promise.all([h.platform.post(msg), h.platform.post(msg), h.platform.post(msg)]);
      assert.deepEqual(rs.map((r) => r.reply?.Content), ['你说：并发重复', '你说：并发重复', '你说：并发重复']);
      await h.channel.idle();
      assert.equal(h.seen.length, 1);
      assert.equal(h.platform.cs.length, 0);
    });

    it('a retry after the answer went out gets the same passive answer, never a new turn', async () => {
      h = await startHarness();
      const msg = h.platform.text(USER, '已经回答过');
      const first = await h.platform.post(msg);
      const retry = await h.platform.post(msg);
      assert.equal(retry.reply?.Content, first.reply?.Content);
      await h.channel.idle();
      assert.equal(h.seen.length, 1);
      // A late retry after a customer-service answer gets "success" and nothing more.
      const slow = h.platform.text(USER, 'slow 400 late');
      assert.equal((await h.platform.post(slow)).body, 'success');
      await eventually(() => h.platform.cs.length === 1);
      assert.equal((await h.platform.post(slow)).body, 'success');
      await h.channel.idle();
      assert.equal(h.platform.cs.length, 1);
      assert.equal(h.seen.length, 2);
    });

    it('events dedupe by FromUserName + CreateTime', async () => {
      h = await startHarness();
      const ev = h.platform.event(USER, 'subscribe');
      const [a, b] = await Promise.all([h.platform.post(ev), h.platform.post(ev)]);
      assert.equal(a.reply?.Content, '欢迎关注！我是法律助手。');
      assert.equal(b.reply?.Content, a.reply?.Content);
      await h.channel.idle();
      assert.equal(h.seen.length, 1);
    });

    it('two messages of one user run one after the other (no concurrent turns on one conversation)', async () => {
      let running = 0;
      let maxRunning = 0;
      h = await startHarness({
        logic: async (ctx) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await sleep(80);
          await ctx.sendActivity(`ok ${ctx.activity.text}`);
          running--;
        },
      });
      const rs = await Promise.all([h.platform.post(h.platform.text(USER, 'a')), h.platform.post(h.platform.text(USER, 'b'))]);
      assert.deepEqual(rs.map((r) => r.reply?.Content).sort(), ['ok a', 'ok b']);
      assert.equal(maxRunning, 1);
    });
  });

  describe('message types and events', () => {
    beforeEach(async () => {
      h = await startHarness();
    });

    it('voice: the recognition goes to the bot; without it the citizen is asked to type', async () => {
      const voice = (recognition: string) => ({ ...h.platform.text(USER, ''), MsgType: 'voice', MediaId: 'm1', Format: 'amr', Recognition: recognition, Content: undefined as never });
      const withText = { ...voice('单位不给交社保') };
      delete (withText as Record<string, unknown>).Content;
      const r1 = await h.platform.post(withText);
      assert.equal(r1.reply?.Content, '你说：单位不给交社保');
      const empty = { ...voice('') };
      delete (empty as Record<string, unknown>).Content;
      const r2 = await h.platform.post(empty);
      assert.match(r2.reply?.Content ?? '', /没能听清这段语音/);
      assert.equal(h.seen.length, 1, 'an empty recognition never reaches the bot');
    });

    it('image and link: a polite request to type, no bot turn', async () => {
      const base = { ToUserName: h.platform.account, FromUserName: USER, CreateTime: Math.floor(Date.now() / 1000) };
      const img = await h.platform.post({ ...base, MsgType: 'image', PicUrl: 'http://x/y.jpg', MediaId: 'm', MsgId: nextMsgId() });
      const link = await h.platform.post({ ...base, MsgType: 'link', Title: 't', Description: 'd', Url: 'http://x', MsgId: nextMsgId() });
      for (const r of [img, link]) assert.match(r.reply?.Content ?? '', /请用文字简单描述/);
      assert.equal(h.seen.length, 0);
    });

    it('events: subscribe welcomes through the bot, unsubscribe and VIEW say nothing, CLICK maps to the menu message, case-insensitively', async () => {
      const sub = await h.platform.post(h.platform.event(USER, 'Subscribe', { EventKey: 'qrscene_42', Ticket: 'tk' }));
      assert.equal(sub.reply?.Content, '欢迎关注！我是法律助手。');
      assert.equal(h.seen[0]?.type, 'conversationUpdate');
      assert.deepEqual(h.seen[0]?.membersAdded?.map((m) => m.id), [USER]);

      const click = await h.platform.post({ ...h.platform.event(USER, 'CLICK', { EventKey: 'FLOW_LEGAL_AID' }), CreateTime: Math.floor(Date.now() / 1000) + 1 });
      assert.equal(click.reply?.Content, '你说：法律援助预审 value={"menuKey":"FLOW_LEGAL_AID"}');
      const lower = await h.platform.post({ ...h.platform.event(USER, 'click', { EventKey: 'HANDOFF_HUMAN' }), CreateTime: Math.floor(Date.now() / 1000) + 2 });
      assert.match(lower.reply?.Content ?? '', /^你说：转人工/);

      const before = h.seen.length;
      for (const [i, ev] of ['unsubscribe', 'VIEW', 'LOCATION', 'TEMPLATESENDJOBFINISH'].entries()) {
        const r = await h.platform.post({ ...h.platform.event(USER, ev, { EventKey: 'https://x' }), CreateTime: Math.floor(Date.now() / 1000) + 10 + i });
        assert.equal(r.body, 'success', ev);
      }
      const unknown = await h.platform.post({ ...h.platform.event(USER, 'CLICK', { EventKey: 'NO_SUCH_KEY' }), CreateTime: Math.floor(Date.now() / 1000) + 20 });
      assert.equal(unknown.body, 'success');
      assert.equal(h.seen.length, before, 'no turn for these events');
    });

    it('location: the label becomes the text and the district is picked from it', async () => {
      await h.close();
      h = await startHarness({ deps: { knowledge: { findDistrict: (t: string) => (t.includes('铜山') ? { code: '320312', name: '铜山区', name_en: 'Tongshan District', aliases: [], offices: [] } : undefined) } } });
      const base = { ToUserName: h.platform.account, FromUserName: USER, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'location' };
      const r = await h.platform.post({ ...base, Location_X: '34.18', Location_Y: '117.18', Scale: '15', Label: '江苏省徐州市铜山区北京南路', MsgId: nextMsgId() });
      assert.equal(r.status, 200);
      const a = h.seen[0]!;
      assert.equal(a.text, '江苏省徐州市铜山区北京南路');
      assert.deepEqual(a.value, { location: { label: '江苏省徐州市铜山区北京南路', lat: 34.18, lng: 117.18, scale: 15, district: { code: '320312', name: '铜山区' } } });
      assert.equal(a.entities?.[0]?.type, 'Place');
      const nowhere = await h.platform.post({ ...base, Location_X: '39.9', Location_Y: '116.4', Scale: '15', Label: '北京市东城区', MsgId: nextMsgId() });
      assert.equal(nowhere.status, 200);
      assert.equal((h.seen[1]!.value as { location: { district?: unknown } }).location.district, undefined);
    });
  });

  describe('buttons and long answers', () => {
    it('numbers the options and turns "1", "第二个" or the option\'s words into the option', async () => {
      h = await startHarness();
      const offer = await h.platform.post(h.platform.text(USER, 'buttons'));
      assert.equal(offer.reply?.Content, '您遇到的是哪类问题？\n\n回复 1：劳动纠纷\n回复 2：婚姻家庭');
      await h.platform.post(h.platform.text(USER, '1'));
      assert.equal(h.seen.at(-1)?.text, '劳动纠纷');
      await h.platform.post(h.platform.text(USER, 'buttons'));
      const second = await h.platform.post(h.platform.text(USER, '第二个'));
      assert.equal(h.seen.at(-1)?.text, '婚姻家庭');
      assert.deepEqual(h.seen.at(-1)?.value, { topic: 'family' });
      assert.match(second.reply?.Content ?? '', /value=\{"topic":"family"\}/);
      // Options are for the next message only: "1" now is just "1".
      await h.platform.post(h.platform.text(USER, '1'));
      assert.equal(h.seen.at(-1)?.text, '1');
      // Another user's options are not this user's.
      await h.platform.post(h.platform.text(USER, 'buttons'));
      await h.platform.post(h.platform.text('oAnotherUser_xyz', '1'));
      assert.equal(h.seen.at(-1)?.text, '1');
    });

    it('reads the reply with the dialogs choice lexicon: "一", "回复2", an option\'s words plus a little; a menu click is never a pick', async () => {
      h = await startHarness({ deps: { menu: { button: [{ type: 'click', name: '工资', key: 'MENU_WAGES', message: '1' }] } } });
      const pickAfterOffer = async (reply: string) => {
        await h.platform.post(h.platform.text(USER, 'buttons'));
        await h.platform.post(h.platform.text(USER, reply));
        return h.seen.at(-1)?.text;
      };
      assert.equal(await pickAfterOffer('一'), '劳动纠纷');
      assert.equal(await pickAfterOffer('回复2'), '婚姻家庭');
      assert.equal(await pickAfterOffer('婚姻家庭吧'), '婚姻家庭');
      assert.equal(await pickAfterOffer('劳动纠纷的赔偿标准是多少'), '劳动纠纷的赔偿标准是多少', 'a new question passes through');
      await h.platform.post(h.platform.text(USER, 'buttons'));
      await h.platform.post(h.platform.event(USER, 'CLICK', { EventKey: 'MENU_WAGES' }));
      assert.equal(h.seen.at(-1)?.text, '1', 'the click\'s own text, not option 1');
      assert.deepEqual(h.seen.at(-1)?.value, { menuKey: 'MENU_WAGES' });
    });

    it('takes the choice lexicon it is given (the flows\' own, in the app)', async () => {
      h = await startHarness({ deps: { choiceLexicon: lexiconWithExtraTwo() } });
      await h.platform.post(h.platform.text(USER, 'buttons'));
      await h.platform.post(h.platform.text(USER, '双'));
      assert.equal(h.seen.at(-1)?.text, '婚姻家庭');
    });

    it('splits a long answer: the first part passively, the rest via customer service, with a link to the full text', async () => {
      h = await startHarness({ publicBaseUrl: 'http://127.0.0.1:9' });
      const r = await h.platform.post(h.platform.text(USER, 'long 12'));
      const first = r.reply?.Content ?? '';
      assert.ok(first.startsWith('第1段：劳动者'), 'markdown removed, starts at a paragraph');
      assert.ok(Buffer.byteLength(first) <= 2000);
      await h.channel.idle();
      const rest = h.platform.sentTo(USER);
      assert.ok(rest.length >= 1 && rest.length <= 3, `${rest.length} customer-service parts (quota kept)`);
      const all = [first, ...rest];
      for (const p of all) assert.ok(Buffer.byteLength(p) <= 2000);
      const link = /http:\/\/127\.0\.0\.1:9\/wechat\/a\/([A-Za-z0-9_-]{22})/.exec(all.at(-1)!);
      assert.ok(link, 'the last part links to the full answer');
      const page = await rawRequest(`${h.url}/wechat/a/${link[1]}`, {});
      assert.equal(page.status, 200);
      assert.match(page.body, /第12段：劳动者享有取得劳动报酬的权利。/);
      assert.equal((await rawRequest(`${h.url}/wechat/a/AAAAAAAAAAAAAAAAAAAAAA`, {})).status, 404);
      assert.equal((await rawRequest(`${h.url}/wechat/a/<script>`, {})).status, 404);
    });
  });

  describe('proactive messages (staff replies)', () => {
    it('go out through the customer-service API to the conversation\'s user', async () => {
      h = await startHarness();
      await h.platform.post(h.platform.text(USER, '我需要人工帮助'));
      const ref = { channelId: 'wechat', conversation: { id: `wechat:${USER}`, isGroup: false, conversationType: 'personal', name: '' }, user: { id: USER, name: '' } };
      await h.adapter.send(ref, [{ type: 'message', text: '您好，我是工作人员**小王**。' }]);
      assert.deepEqual(h.platform.sentTo(USER), ['您好，我是工作人员小王。']);
    });
  });
});

describe('wechat channel: transcript driver', () => {
  it('say() returns what the citizen receives for a turn, passive and late parts in order', async () => {
    const h = await startHarness({ tuning: { replyBudgetMs: 100 } });
    try {
      assert.deepEqual(await h.say(USER, '你好'), ['你说：你好']);
      assert.deepEqual(await h.say(USER, 'slow 250 慢'), ['你说：slow 250 慢']);
      const long = await h.say(USER, 'long 8');
      assert.ok(long.length > 1);
      assert.ok(long[0]!.startsWith('第1段'));
      // A menu click is not taken as an answer to offered options.
      await h.say(USER, 'buttons');
      await h.platform.post(h.platform.event(USER, 'CLICK', { EventKey: 'MENU_MAIN' }));
      assert.equal(h.seen.at(-1)?.text, '菜单');
      await h.say(USER, '1');
      assert.equal(h.seen.at(-1)?.text, '1', 'the click cleared the offered options');
    } finally {
      await h.close();
    }
  });
});
