import assert from 'node:assert/strict';
import request from 'supertest';
import { SECRET, type Wire, decodeClaims, harness } from './harness';

const DL = '/v3/directline';

async function newConversation(h: ReturnType<typeof harness>, body: object = { locale: 'zh-CN' }) {
  const t = h.channel.issueToken();
  const res = await request(h.app).post(`${DL}/conversations`).set('Authorization', `Bearer ${t.token}`).send(body).expect(201);
  return { id: res.body.conversationId as string, token: res.body.token as string, user: decodeClaims(res.body.token).user as string, start: res.body };
}

async function activities(h: ReturnType<typeof harness>, c: { id: string; token: string }, watermark = ''): Promise<{ activities: Wire[]; watermark: string }> {
  const res = await request(h.app).get(`${DL}/conversations/${c.id}/activities?watermark=${watermark}`).set('Authorization', `Bearer ${c.token}`).expect(200);
  return res.body;
}

function post(h: ReturnType<typeof harness>, c: { id: string; token: string }, activity: unknown) {
  return request(h.app).post(`${DL}/conversations/${c.id}/activities`).set('Authorization', `Bearer ${c.token}`).send(activity as object);
}

describe('Direct Line endpoint', () => {
  describe('tokens/generate', () => {
    it('needs the secret: none or a wrong one is 401 with a JSON error', async () => {
      const h = harness();
      const none = await request(h.app).post(`${DL}/tokens/generate`).expect(401);
      assert.equal(none.body.error.code, 'Unauthorized');
      await request(h.app).post(`${DL}/tokens/generate`).set('Authorization', 'Bearer not-the-secret-at-all').expect(401);
    });

    it('with the secret returns {conversationId, token, expires_in} bound to a new dl_ user', async () => {
      const h = harness();
      const res = await request(h.app).post(`${DL}/tokens/generate`).set('Authorization', `Bearer ${SECRET}`).expect(200);
      assert.deepEqual(Object.keys(res.body).sort(), ['conversationId', 'expires_in', 'token']);
      assert.equal(res.body.expires_in, 1800);
      const claims = decodeClaims(res.body.token);
      assert.equal(claims.conv, res.body.conversationId);
      assert.match(String(claims.user), /^dl_[A-Za-z0-9_-]{16}$/);
    });

    it('lets the secret holder name the user', async () => {
      const h = harness();
      const res = await request(h.app).post(`${DL}/tokens/generate`).set('Authorization', `Bearer ${SECRET}`).send({ user: { id: 'staff-portal:42' } }).expect(200);
      assert.equal(decodeClaims(res.body.token).user, 'staff-portal:42');
    });
  });

  describe('conversations', () => {
    it('start: 201 with token, expires_in, streamUrl, referenceGrammarId; the bot greets once', async () => {
      const h = harness();
      const t = h.channel.issueToken();
      const res = await request(h.app).post(`${DL}/conversations`).set('Authorization', `Bearer ${t.token}`).send({ locale: 'en-US' }).expect(201);
      assert.equal(res.body.conversationId, t.conversationId);
      assert.equal(res.body.expires_in, 1800);
      assert.equal(typeof res.body.referenceGrammarId, 'string');
      assert.match(res.body.streamUrl, new RegExp(`^ws://127\\.0\\.0\\.1:\\d+${DL}/conversations/${t.conversationId}/stream\\?t=[^&]+&watermark=$`));
      const c = { id: t.conversationId, token: res.body.token as string };
      const again = await request(h.app).post(`${DL}/conversations`).set('Authorization', `Bearer ${t.token}`).send({}).expect(200);
      assert.equal(again.body.conversationId, t.conversationId);
      const page = await activities(h, c);
      assert.deepEqual(
        page.activities.map((a) => a.text),
        ['welcome en'],
      );
      assert.equal(page.activities[0]!.from!.role, 'bot');
    });

    it('start with the secret opens a new conversation for a new user', async () => {
      const h = harness();
      const res = await request(h.app).post(`${DL}/conversations`).set('Authorization', `Bearer ${SECRET}`).send({}).expect(201);
      assert.match(String(decodeClaims(res.body.token).user), /^dl_/);
    });

    it('reconnect (GET conversations/:id?watermark=) returns a fresh token and a streamUrl from that watermark', async () => {
      const h = harness();
      const c = await newConversation(h);
      h.clock.now += 60_000;
      const res = await request(h.app).get(`${DL}/conversations/${c.id}?watermark=12`).set('Authorization', `Bearer ${c.token}`).expect(200);
      assert.equal(res.body.conversationId, c.id);
      assert.ok((decodeClaims(res.body.token).exp as number) > (decodeClaims(c.token).exp as number));
      assert.match(res.body.streamUrl, /&watermark=12$/);
    });
  });

  describe('activities', () => {
    it('echoes the user activity with from.id forced to the token user, then the reply, linked by replyToId', async () => {
      const h = harness();
      const c = await newConversation(h);
      const res = await post(h, c, {
        type: 'message',
        text: '老板拖欠工资',
        locale: 'zh-CN',
        from: { id: 'someone-else', name: '小王' },
        channelData: { clientActivityID: 'client-1' },
      }).expect(200);
      const page = await activities(h, c);
      const [welcome, mine, reply] = page.activities;
      assert.equal(welcome!.text, 'welcome zh-CN');
      assert.equal(mine!.id, res.body.id);
      assert.equal(mine!.from!.id, c.user);
      assert.equal(mine!.from!.role, 'user');
      assert.equal(mine!.from!.name, '小王');
      assert.deepEqual(mine!.channelData, { clientActivityID: 'client-1' });
      assert.equal(mine!.channelId, 'directline');
      assert.equal(reply!.text, 'echo: 老板拖欠工资 [zh-CN]');
      assert.equal(reply!.replyToId, mine!.id);
      assert.equal(reply!.from!.role, 'bot');
      assert.equal(reply!.recipient!.id, c.user);
      assert.equal(page.watermark, reply!.id.split('|')[1]);
    });

    it('maps Web Chat locales to the bot locales (en-US → en)', async () => {
      const h = harness();
      const c = await newConversation(h);
      await post(h, c, { type: 'message', text: 'hi', locale: 'en-US' }).expect(200);
      assert.equal((await activities(h, c)).activities.at(-1)!.text, 'echo: hi [en]');
    });

    it('passes suggested actions and cards through unchanged', async () => {
      const h = harness();
      const c = await newConversation(h);
      await post(h, c, { type: 'message', text: 'buttons' }).expect(200);
      const [, , suggested, card] = (await activities(h, c)).activities;
      assert.deepEqual(
        suggested!.suggestedActions!.actions.map((a) => a.title),
        ['有用', '没用'],
      );
      assert.equal(card!.attachments![0]!.contentType, 'application/vnd.microsoft.card.hero');
    });

    it('runs event activities as turns and acknowledges typing without keeping it', async () => {
      const h = harness();
      const c = await newConversation(h);
      await post(h, c, { type: 'typing' }).expect(200);
      await post(h, c, { type: 'event', name: 'webchat/join', value: {} }).expect(200);
      const texts = (await activities(h, c)).activities.map((a) => a.text ?? a.type);
      assert.deepEqual(texts, ['welcome zh-CN', 'event', 'event webchat/join']);
    });

    it('runs the turns of one conversation in order even when posted at once', async () => {
      const h = harness();
      const c = await newConversation(h);
      await Promise.all([post(h, c, { type: 'message', text: 'slow 60' }), post(h, c, { type: 'message', text: 'second' })]);
      const texts = (await activities(h, c)).activities.slice(1).map((a) => a.text);
      assert.deepEqual(texts, ['slow 60', 'echo: slow 60', 'second', 'echo: second']);
    });

    it('a failing turn is a 502 BotError and the endpoint keeps serving', async () => {
      const h = harness();
      const c = await newConversation(h);
      const res = await post(h, c, { type: 'message', text: 'boom' }).expect(502);
      assert.equal(res.body.error.code, 'BotError');
      await post(h, c, { type: 'message', text: 'still here' }).expect(200);
    });

    it('a slow turn answers the POST at the timeout and its reply still arrives', async () => {
      const h = harness({ turnTimeoutMs: 20 });
      const c = await newConversation(h);
      await post(h, c, { type: 'message', text: 'slow 150' }).expect(200);
      assert.ok(!(await activities(h, c)).activities.some((a) => a.text === 'echo: slow 150'));
      await new Promise((r) => setTimeout(r, 250));
      assert.ok((await activities(h, c)).activities.some((a) => a.text === 'echo: slow 150'));
    });
  });

  describe('watermarks', () => {
    it('pages through the log in order without gaps or repeats', async () => {
      const h = harness({ pageSize: 3 });
      const c = await newConversation(h);
      for (let i = 0; i < 5; i++) await post(h, c, { type: 'message', text: `m${i}` }).expect(200);
      const seen: string[] = [];
      let watermark = '';
      for (let guard = 0; guard < 10; guard++) {
        const page = await activities(h, c, watermark);
        if (!page.activities.length) break;
        assert.ok(page.activities.length <= 3);
        seen.push(...page.activities.map((a) => a.text!));
        watermark = page.watermark;
      }
      const expected = ['welcome zh-CN'];
      for (let i = 0; i < 5; i++) expected.push(`m${i}`, `echo: m${i}`);
      assert.deepEqual(seen, expected);
      const tail = await activities(h, c, watermark);
      assert.deepEqual(tail, { activities: [], watermark });
    });

    it('rejects a watermark that is not a number with 400', async () => {
      const h = harness();
      const c = await newConversation(h);
      const res = await request(h.app).get(`${DL}/conversations/${c.id}/activities?watermark=abc`).set('Authorization', `Bearer ${c.token}`).expect(400);
      assert.equal(res.body.error.code, 'BadArgument');
    });
  });

  describe('proactive messages', () => {
    it('a message sent outside a turn (a staff reply) lands in the conversation log', async () => {
      const h = harness();
      const c = await newConversation(h);
      await h.adapter.send(
        { channelId: 'directline', conversation: { id: c.id, isGroup: false, conversationType: 'personal', name: '' }, user: { id: c.user, name: '' }, bot: { id: 'bot', name: 'legal-aid-bot' } },
        [{ type: 'message', text: '工作人员回复：请明天带材料来' }],
      );
      const last = (await activities(h, c)).activities.at(-1)!;
      assert.equal(last.text, '工作人员回复：请明天带材料来');
      assert.equal(last.from!.role, 'bot');
      assert.equal(last.conversation!.id, c.id);
    });
  });
});
