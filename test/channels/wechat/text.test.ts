import assert from 'node:assert/strict';
import type { Choice } from '../../../src/channels/wechat/choices';
import { planMessages, renderActivities, type Translate } from '../../../src/channels/wechat/render';
import { cleanInboundText, markdownToPlain, splitText, utf8Bytes } from '../../../src/channels/wechat/text';
import { loadLocales } from '../../../src/i18n/i18n';
import { resolve } from 'node:path';

const { translator } = loadLocales(resolve(__dirname, '../../../dialogs/locales'));
const t: Translate = (l, k, v) => translator.t(l, k, v);

/** True when `s` has no lone surrogate (a cut emoji would leave one). */
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('wechat text shaping', () => {
  it('turns Markdown into plain text and keeps list numbers', () => {
    const md = '# 拖欠工资\n\n**先**收集证据：\n\n1. 劳动合同\n2. 工资条 `重要`\n- 考勤记录\n* 聊天记录\n\n> 注意时效\n\n详见[12348](https://12348.gov.cn)\n\n---\n~~删~~';
    assert.equal(
      markdownToPlain(md),
      '拖欠工资\n\n先收集证据：\n\n1. 劳动合同\n2. 工资条 重要\n• 考勤记录\n• 聊天记录\n\n注意时效\n\n详见12348 https://12348.gov.cn\n\n删',
    );
    assert.equal(markdownToPlain('3*4*5 = 60'), '3*4*5 = 60');
  });

  it('splits at paragraph boundaries first and never inside a character or emoji', () => {
    const paras = Array.from({ length: 12 }, (_, i) => `第${i + 1}段：${'劳动者有权依法获得劳动报酬。'.repeat(8)}`);
    const text = paras.join('\n\n');
    const parts = splitText(text, 600);
    assert.ok(parts.length > 1);
    for (const p of parts) {
      assert.ok(utf8Bytes(p) <= 600, `part of ${utf8Bytes(p)} bytes`);
      assert.ok(p.startsWith('第'), 'each part starts at a paragraph');
    }
    assert.equal(parts.join('\n\n'), text);

    const emoji = '👨‍👩‍👧‍👦🇨🇳😀'.repeat(300); // no spaces, no punctuation: only grapheme cuts are possible
    const cut = splitText(emoji, 100);
    assert.ok(cut.length > 1);
    for (const p of cut) {
      assert.ok(wellFormed(p));
      assert.ok(utf8Bytes(p) <= 100);
    }
    assert.equal(cut.join(''), emoji);

    const sentences = '第一句话很长。'.repeat(50);
    for (const p of splitText(sentences, 120)) assert.ok(p.endsWith('。'), `cut mid-sentence: ${p}`);
  });

  it('cleans control characters and lone surrogates from citizens\' text but keeps emoji and newlines', () => {
    assert.equal(cleanInboundText('a\u0000b\u0007c\r\nd😀\uD800e\uFEFF'), 'abc\nd😀e');
  });

  it('renders buttons as numbered lines and remembers them as choices', () => {
    const r = renderActivities(
      [
        { type: 'typing' },
        { type: 'message', text: '**您好**，请选择：' },
        {
          type: 'message',
          text: '您遇到的是哪类问题？',
          suggestedActions: { to: [], actions: [
            { type: 'imBack', title: '劳动纠纷', value: '劳动纠纷' },
            { type: 'postBack', title: '有帮助', value: { feedback: 'up' } },
            { type: 'openUrl', title: '官网', value: 'https://example.org' },
          ] },
          attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { title: '12348', buttons: [{ type: 'openUrl', title: '网站', value: 'https://12348.gov.cn' }, { type: 'imBack', title: '人工', value: '转人工' }] } }],
        },
      ],
      t,
      'zh-CN',
    );
    assert.equal(r.body, '您好，请选择：\n\n您遇到的是哪类问题？\n\n12348\n\n网站：https://12348.gov.cn');
    assert.deepEqual(r.choices.map((c) => c.title), ['人工', '劳动纠纷', '有帮助']);
    assert.deepEqual(r.choices[2]!.value, { feedback: 'up' });
  });

  it('plans long answers: choices stay in the last part, link to the full answer, at most maxParts', async () => {
    const body = Array.from({ length: 30 }, (_, i) => `${i + 1}. ${'依法维权，'.repeat(20)}`).join('\n\n');
    const choices: Choice[] = [{ title: '有帮助', text: '有帮助' }, { title: '没帮助', text: '没帮助' }];
    let published = '';
    const parts = await planMessages(
      { locale: 'zh-CN', body, choices },
      { t, maxPartBytes: 1000, maxParts: 3, publishFull: async (text) => ((published = text), 'https://bot.example/wechat/a/x') },
    );
    assert.equal(parts.length, 3);
    for (const p of parts) assert.ok(utf8Bytes(p) <= 1000);
    const last = parts[2]!;
    assert.match(last, /https:\/\/bot\.example\/wechat\/a\/x/);
    assert.match(last, /回复 1：有帮助\n回复 2：没帮助$/);
    assert.ok(published.includes('30. '), 'the page has the whole answer');

    const short = await planMessages({ locale: 'en', body: 'Hello', choices }, { t, maxPartBytes: 1000, maxParts: 3 });
    assert.deepEqual(short, ['Hello\n\nReply 1: 有帮助\nReply 2: 没帮助']);

    const noLink = await planMessages({ locale: 'zh-CN', body, choices: [] }, { t, maxPartBytes: 1000, maxParts: 2 });
    assert.equal(noLink.length, 2);
    assert.match(noLink[1]!, /12348 公共法律服务热线。$/);
    assert.deepEqual(await planMessages({ locale: 'zh-CN', body: '', choices: [] }, { t, maxPartBytes: 1000, maxParts: 2 }), []);
  });
});
