/**
 * The WeChat channel in front of the real bot (src/bot/bot.ts) and the real search over the
 * project's knowledge folder, in safe mode, driven by the fake platform.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { InProcessAdapter } from '../../../src/bot/in-process-adapter';
import { markdownToPlain } from '../../../src/channels/wechat/text';
import { KnowledgeBase } from '../../../src/content/knowledge';
import { buildBot } from '../../bot/harness';
import { knowledge, searchEngine } from '../../helpers';
import { nextMsgId } from './fake-platform';
import { type Harness, startHarness } from './harness';

const USER = 'oRealBotUser_abcdefghijklmn';

describe('wechat channel with the real bot and search', function () {
  this.timeout(60_000);
  let h: Harness;
  let direct: InProcessAdapter;
  let seen: Partial<Activity>[];

  before(() => {
    searchEngine(); // build the index once, outside the timed reply budget
  });

  beforeEach(async () => {
    const bot = buildBot();
    direct = bot.adapter;
    seen = [];
    h = await startHarness({
      mode: 'safe',
      logic: (ctx) => {
        seen.push(ctx.activity);
        return bot.bot.run(ctx);
      },
      publicBaseUrl: 'https://bot.example.org',
      tuning: { replyBudgetMs: 4500 },
      deps: { knowledge: new KnowledgeBase(knowledge()) },
    });
  });
  afterEach(() => h.close());

  /** The bot's answer on a plain channel: its text, and the buttons WeChat must number after it. */
  async function askDirect(text: string): Promise<{ text: string; options: string[] }> {
    const replies = await direct.run({
      type: 'message',
      text,
      channelId: 'test',
      conversation: { id: 'direct', isGroup: false, conversationType: 'personal', name: '' },
      from: { id: 'u', name: '' },
    } as Partial<Activity>);
    return {
      text: replies.map((r) => markdownToPlain(r.text ?? '')).join('\n\n'),
      // A button's label (a web title may carry its number, "1. …", which WeChat writes as "回复 1：…").
      options: replies.flatMap((r) => (r.suggestedActions?.actions ?? []).map((a) => String(a.type === 'imBack' && typeof a.value === 'string' ? a.value : a.title))),
    };
  }

  it('answers a wage question with its legal source, encrypted, the same answer as any other channel', async () => {
    const q = '单位拖欠工资不给怎么办';
    const r = await h.platform.post(h.platform.text(USER, q), { mode: 'safe' });
    assert.equal(r.status, 200);
    await h.channel.idle();
    const parts = [r.reply?.Content ?? '', ...h.platform.sentTo(USER)];
    const whole = parts.join('\n\n');
    assert.match(whole, /依据：/);
    for (const p of parts) assert.ok(Buffer.byteLength(p) <= 2000);
    const expected = await askDirect(q);
    // Without the full-answer link line, the WeChat parts are the bot's answer, in order, then its
    // buttons as numbered lines.
    const stripped = whole.replace(/\n*查看完整内容：https:\/\/bot\.example\.org\/wechat\/a\/[A-Za-z0-9_-]{22}/, '').replace(/\s+/g, '');
    assertSameAnswer(stripped, expected);
  });

  it('a location in a Xuzhou district reaches the bot with the district picked', async () => {
    const r = await h.platform.post(
      { ToUserName: h.platform.account, FromUserName: USER, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'location', Location_X: '34.16', Location_Y: '117.2', Scale: '15', Label: '江苏省徐州市铜山区', MsgId: nextMsgId() },
      { mode: 'safe' },
    );
    assert.equal(r.status, 200);
    assert.ok(r.reply?.Content, 'the bot answered');
    const value = seen[0]?.value as { location: { label: string; district?: { code: string; name: string } } };
    assert.equal(seen[0]?.text, '江苏省徐州市铜山区');
    assert.equal(value.location.district?.name, '铜山区');
    assert.equal(value.location.district?.code, new KnowledgeBase(knowledge()).findDistrict('铜山')?.code);
  });

  it('a menu click runs through the bot like typed text', async () => {
    const r = await h.platform.post(h.platform.event(USER, 'CLICK', { EventKey: 'TOPIC_WAGES' }), { mode: 'safe' });
    await h.channel.idle();
    const whole = [r.reply?.Content ?? '', ...h.platform.sentTo(USER)].join('\n\n');
    assertSameAnswer(whole.replace(/\n*查看完整内容：\S+/, '').replace(/\s+/g, ''), await askDirect('单位拖欠工资怎么办'));
  });
});

function assertSameAnswer(wechat: string, direct: { text: string; options: string[] }): void {
  const text = direct.text.replace(/\s+/g, '');
  assert.ok(wechat.startsWith(text), `WeChat text differs from the bot's answer:\n${wechat}\n---\n${text}`);
  const rest = wechat.slice(text.length);
  assert.ok(direct.options.length > 0);
  direct.options.forEach((o, i) => assert.ok(rest.includes(`${i + 1}`) && rest.includes(o.replace(/\s+/g, '')), `option ${i + 1} "${o}" missing in: ${rest}`));
}
