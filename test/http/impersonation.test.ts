import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { buildRuntime } from '../../src/index';
import { createLogger } from '../../src/logger';
import { messageXml, nextMsgId } from '../channels/wechat/fake-platform';

/**
 * D3 as the attacker did it: a WeChat citizen tells the bot their district; then a caller of
 * /api/messages names channelId "wechat" and that citizen's conversation id and user id. The
 * caller must land in a fresh conversation of its own: asked for the district like anyone new,
 * never shown the citizen's, never filing a handoff in their name.
 */
describe('D3: /api/messages cannot reach another channel’s citizens', () => {
  const TOKEN = 'd3-token';
  const OPENID = 'oCitizenPZ';
  let rt: ReturnType<typeof buildRuntime>;

  before(async () => {
    rt = buildRuntime(loadConfig({ WECHAT_TOKEN: TOKEN, SEARCH_INDEX_FILE: '/nonexistent/index.json', CASES_DB: ':memory:' }), createLogger('silent'));
    await (rt as unknown as { caseDb?: { ready?: Promise<unknown> } }).caseDb?.ready;
  });
  after(async () => {
    await Promise.all(rt.channels.map((c) => c.close?.()));
  });

  async function viaWeChat(text: string): Promise<string> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(Math.random()).slice(2, 12);
    const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
    const xml = messageXml({ ToUserName: 'gh_test', FromUserName: OPENID, CreateTime: Number(timestamp), MsgType: 'text', Content: text, MsgId: nextMsgId() });
    const res = await request(rt.app).post('/wechat').query({ signature, timestamp, nonce }).set('content-type', 'text/xml').send(xml).expect(200);
    return /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(res.text)?.[1] ?? '';
  }

  async function asImpostor(text: string): Promise<string> {
    const res = await request(rt.app)
      .post('/api/messages')
      .send({
        type: 'message', text, channelId: 'wechat', serviceUrl: 'http://127.0.0.1:9/internal-admin/', deliveryMode: 'expectReplies',
        conversation: { id: `wechat:${OPENID}` }, from: { id: OPENID }, recipient: { id: 'gh_test' },
      })
      .expect(200);
    return (res.body.activities as { text?: string }[]).map((a) => a.text ?? '').join('\n');
  }

  it('the impostor starts from nothing: asked for the district, not told the citizen’s', async () => {
    await viaWeChat('我在邳州市');
    await asImpostor('转人工');
    const second = await asImpostor('是');
    assert.match(second, /哪个区县/, 'a fresh conversation asks where the caller is');
    assert.doesNotMatch(second, /已经转给|（邳州市）|您在邳州市/);
  });

  it('while the citizen, on WeChat, keeps the district they gave (the control)', async () => {
    await viaWeChat('转人工');
    const reply = await viaWeChat('是');
    assert.doesNotMatch(reply, /哪个区县/, 'the citizen is not asked again');
  });
});
