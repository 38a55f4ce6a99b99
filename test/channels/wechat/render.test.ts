/**
 * The phone-shaped answer on WeChat: the same short form as the web (headline, 现在可以做的, three
 * steps, one legal-basis line), numbers as plain digits WeChat detects (never "tel:"), the
 * follow-ups and 展开全文 as numbered lines, a dial button as a numbered line too, and the verdict's
 * route lines on their own lines.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { MessageFactory } from 'botbuilder';
import { planMessages, renderActivities, type Translate } from '../../../src/channels/wechat/render';
import { markdownToPlain } from '../../../src/channels/wechat/text';
import { loadLocales } from '../../../src/i18n/i18n';
import { answerReply } from '../../e2e/answer-bot';
import { realFlows } from '../../bot/harness';

const { translator } = loadLocales(resolve(__dirname, '../../../dialogs/locales'));
const t: Translate = (l, k, v) => translator.t(l, k, v);

describe('WeChat rendering of phone-shaped answers', () => {
  it('the wage answer: headline first, digits instead of tel: links, numbered follow-ups with 展开全文, one message', async () => {
    const { text, suggestions } = answerReply('labor-wage-arrears', 'zh-CN');
    const r = renderActivities([{ ...MessageFactory.suggestedActions(suggestions, text), locale: 'zh-CN' }], t, 'zh-CN');
    assert.match(r.body, /^被拖欠工资怎么办\n/);
    assert.match(r.body, /现在可以做的：/);
    assert.match(r.body, /拨打 12333（人社热线）/);
    assert.match(r.body, /可以拨打 12348 公共法律服务热线（/);
    assert.doesNotMatch(r.body, /tel:|\]\(|\*\*/);
    assert.ok(r.choices.some((c) => c.title === translator.t('zh-CN', 'answer.more')));
    const parts = await planMessages(r, { t, maxPartBytes: 2048, maxParts: 3 });
    assert.equal(parts.length, 1, 'the short answer fits one WeChat message');
    assert.match(parts[0]!, /回复 1：劳动仲裁怎么申请/);
  });

  it('the whole text behind a short answer is linked as a full-answer page in the same message', async () => {
    const { text, suggestions, full } = answerReply('labor-wage-arrears', 'zh-CN');
    const r = renderActivities([{ ...MessageFactory.suggestedActions(suggestions, text), locale: 'zh-CN', channelData: { fullText: full } }], t, 'zh-CN');
    assert.match(r.full ?? '', /注意/);
    const published: string[] = [];
    const parts = await planMessages(r, { t, maxPartBytes: 2048, maxParts: 3, publishFull: async (x) => (published.push(x), 'https://bot.example/wechat/a/abc') });
    assert.equal(parts.length, 1);
    assert.match(parts[0]!, /查看完整内容：https:\/\/bot\.example\/wechat\/a\/abc\n\n回复 1：/);
    assert.equal(published[0], r.full);
    assert.doesNotMatch(published[0]!, /tel:|\*\*/);
  });

  it('a tel: button stays a numbered choice (same numbers as the web); tel: links keep their words; web numbers are not doubled', () => {
    const r = renderActivities(
      [{ type: 'message', text: '请拨打 [12348 公共法律服务热线](tel:12348) 或 [110](tel:110)', suggestedActions: { to: [], actions: [{ type: 'openUrl', title: '拨打 12348 热线', value: 'tel:12348' }, { type: 'imBack', title: '转人工', value: '转人工' }] } }],
      t,
      'zh-CN',
    );
    assert.equal(r.body, '请拨打 12348 公共法律服务热线 或 110');
    assert.deepEqual(r.choices.map((c) => c.title), ['拨打 12348 热线', '转人工']);
    const numbered = renderActivities([{ type: 'message', text: '您想问的是：', suggestedActions: { to: [], actions: [{ type: 'imBack', title: '1. 离婚', value: '离婚' }, { type: 'imBack', title: '2. 都不是', value: '都不是' }] } }], t, 'zh-CN');
    assert.deepEqual(numbered.choices.map((c) => c.title), ['离婚', '都不是']);
    assert.equal(markdownToPlain('[总机](tel:051688880000)'), '总机 051688880000');
  });

  it('the screening verdict: 到哪里申请, 📍 and ☎ start lines of their own after the materials list', () => {
    const text = realFlows().templates.render('screening-result-likely', 'zh-CN', {
      slots: { matter: 'pay' },
      route: { route: '12348', hotline: { number: '12348', name: '12348 公共法律服务热线', serves: '' }, pending: false, needsDistrict: false, unconfirmed: false, is: { '12348': true } },
    });
    const plain = markdownToPlain(text);
    assert.match(plain, /和案件有关的材料[^\n]*\n\n到哪里申请/);
    assert.match(plain, /\n☎ 可以拨打 12348 公共法律服务热线/);
  });
});
