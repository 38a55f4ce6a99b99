import assert from 'node:assert/strict';
import { KnowledgeBase } from '../../src/content/knowledge';
import type { District, Source } from '../../src/content/schema';
import { evalCondition } from '../../src/dialogs/condition';
import { parsePhone } from '../../src/dialogs/steps/ask';
import { answerShape, answerView, chatBody, formatSource, lawTitle, MAX_STEPS, shortStep, sourcesLine, sourcesShort, STEP_CHARS } from '../../src/dialogs/answer-view';
import { directoryNumbers, routeView } from '../../src/dialogs/route-view';
import { telLinks } from '../../src/i18n/tel';
import { knowledge } from '../helpers';
import { realFlows, realKb } from '../bot/harness';

const TONGSHAN = '320312';

/** The real content with Tongshan's legal aid centre marked verified (a test-only address). */
function kbWithVerifiedOffice(): KnowledgeBase {
  const c = knowledge();
  const districts: District[] = c.districts.map((d) =>
    d.code !== TONGSHAN
      ? d
      : {
          ...d,
          offices: d.offices.map((o) =>
            o.kind === 'legal-aid-centre'
              ? { ...o, status: 'verified' as const, address: '测试路 1 号', phone: '0516-00000000', hours: '周一至周五', verified_on: '2026-01-01' }
              : o,
          ),
        },
  );
  return new KnowledgeBase({ ...c, districts });
}

describe('routes and answers (views)', () => {
  const routes = realFlows().routes;

  it('unknown district, no office of the kind verified anywhere: the hotline and what is known, no district prompt', () => {
    const v = routeView(realKb(), routes, '12348', 'zh-CN', undefined, 'legal-aid-centre');
    assert.equal(v.hotline?.number, '12348');
    assert.equal(v.needsDistrict, false);
    assert.equal(v.unconfirmed, true);
    assert.equal(v.office, undefined);
    const text = realFlows().templates.render('route', 'zh-CN', { route: v });
    assert.match(text, /法律援助法第三十八条/);
    assert.match(text, /\[12348 公共法律服务热线\]\(tel:12348\)/);
    assert.doesNotMatch(text, /哪个区县/);
  });

  it('unknown district where some district’s office is verified: asking for the district helps', () => {
    const v = routeView(kbWithVerifiedOffice(), routes, '12348', 'zh-CN', undefined, 'legal-aid-centre');
    assert.equal(v.needsDistrict, true);
    assert.equal(v.unconfirmed, false);
  });

  it('unconfirmed office: no address or phone, the hotline instead', () => {
    const v = routeView(realKb(), routes, 'mediation', 'zh-CN', TONGSHAN);
    assert.equal(v.pending, true);
    assert.equal(v.office, undefined);
    assert.equal(v.hotline?.number, '12348');
    assert.equal(v.district, '铜山区');
  });

  it('verified office: its details for the citizen’s district', () => {
    const v = routeView(kbWithVerifiedOffice(), routes, '12348', 'zh-CN', TONGSHAN, 'legal-aid-centre');
    assert.equal(v.pending, false);
    assert.equal(v.office?.address, '测试路 1 号');
    assert.equal(v.office?.phone, '0516-00000000');
  });

  it('the rendered route never shows an unverified office', () => {
    const tpl = realFlows().templates;
    const pending = tpl.render('route', 'zh-CN', { route: routeView(realKb(), routes, '12348', 'zh-CN', TONGSHAN, 'legal-aid-centre') });
    assert.match(pending, /12348/);
    assert.match(pending, /核实/);
    assert.doesNotMatch(pending, /铜山区法律援助中心/); // the unconfirmed office name is not given as a place to go
    const verified = tpl.render('route', 'zh-CN', { route: routeView(kbWithVerifiedOffice(), routes, '12348', 'zh-CN', TONGSHAN, 'legal-aid-centre') });
    assert.match(verified, /测试路 1 号/);
  });

  it('zero-barrier desk falls back to 12345, other routes name their hotline', () => {
    assert.equal(routeView(realKb(), routes, 'zero-barrier-desk', 'zh-CN', TONGSHAN).hotline?.number, '12345');
    assert.equal(routeView(realKb(), routes, '12315', 'en', undefined).hotline?.number, '12315');
    assert.equal(routeView(realKb(), routes, '110', 'zh-CN', undefined).needsDistrict, false);
  });

  it('source line groups articles of one law: 依据：《法律援助法》第三十八条、第四十三条', () => {
    const line = sourcesLine(
      [
        { law: '中华人民共和国法律援助法', article: '第三十八条' },
        { law: '中华人民共和国法律援助法', article: '第四十三条' },
        { procedure: '12348 热线', issuer: '司法部' },
      ],
      'zh-CN',
    );
    assert.equal(line, '《法律援助法》第三十八条、第四十三条；12348 热线（司法部）');
  });

  it('an English entry’s "中文 (English)" law name renders as 《中文》(English) in every source line', () => {
    const src = [
      { law: '中华人民共和国劳动合同法 (Labour Contract Law of the PRC)', article: '第十条 (Art. 10)' },
      { law: '中华人民共和国劳动合同法 (Labour Contract Law of the PRC)', article: '第八十二条 (Art. 82)' },
    ] as never;
    assert.equal(sourcesLine(src, 'en'), '《劳动合同法》(Labour Contract Law of the PRC) 第十条 (Art. 10), 第八十二条 (Art. 82)');
    assert.equal(sourcesShort(src, 'en'), '《劳动合同法》(Labour Contract Law of the PRC) 第十条 (Art. 10), 第八十二条 (Art. 82)');
    assert.equal(formatSource((src as Source[])[0]!, 'en'), '《劳动合同法》(Labour Contract Law of the PRC) 第十条 (Art. 10)');
    // Only " (" splits: a full-width bracket inside a Chinese name stays inside the marks.
    assert.equal(lawTitle('最高人民法院关于适用《民法典》婚姻家庭编的解释（一）'), '《最高人民法院关于适用《民法典》婚姻家庭编的解释（一）》');
    assert.equal(lawTitle('中华人民共和国法律援助法'), '《法律援助法》');
  });

  it('no English answer in the real content shows a translation inside 《》', () => {
    const kb = realKb();
    const routes = realFlows().routes;
    const en = kb.entries.filter((e) => e.locale === 'en');
    assert.ok(en.length > 0);
    for (const e of en) {
      const v = answerView(kb, routes, e, 'en', undefined);
      assert.doesNotMatch(v.sources, /《[^》]* \(/, e.id);
      assert.doesNotMatch(v.sourcesShort, /《[^》]* \(/, e.id);
    }
  });

  it('chat body drops the legal-basis section, keeps Markdown, removes HTML and images', () => {
    const b = chatBody('**现在**\n\n## 步骤\n\n1. 做<b>这</b>个 ![x](y.png)\n\n**法律依据**\n\n- 《某法》第一条');
    assert.match(b, /\*\*步骤\*\*/);
    assert.doesNotMatch(b, /法律依据|某法|<b>|!\[/);
  });

  it('answer view: follow-ups in the citizen’s locale, untranslated entries flagged', () => {
    const kb = realKb();
    const zh = answerView(kb, routes, kb.entry('labor-wage-arrears')!, 'zh-CN', undefined);
    assert.ok(zh.followups.length > 0);
    assert.ok(zh.sources.startsWith('《'));
    const untranslated = kb.entries.find((e) => e.locale === 'zh-CN' && !kb.hasTranslation(e.id, 'en'))!;
    assert.equal(answerView(kb, routes, kb.entry(untranslated.id, 'en')!, 'en', undefined).untranslated, true);
  });

  it('the short answer: the bold-labelled first paragraph, the 步骤 list’s first three items cut to a sentence', () => {
    const body = ['**现在可以做的：** 先打 12348 问。', '', '**要知道的**', '', '- 不是步骤', '', '**步骤**', '', '1. 准备：身份证。然后再说很多别的事情。', '2. 申请：到法律援助机构，', '   续行属于第二项', '3. 等待', '4. 第四步', '', '**注意**', '', '别忘了'].join('\n');
    const s = answerShape(body, 'zh-CN');
    assert.equal(s.now, '先打 12348 问。');
    assert.deepEqual(s.steps, ['准备：身份证。', '申请：到法律援助机构，', '等待']);
    assert.equal(s.moreSteps, 1);
    assert.equal(shortStep('一二三四五六七八九十，一二三四五六七八九十，一二三四五六七八九十，一二三四五六七八九十。', 'zh-CN').text, '一二三四五六七八九十，一二三四五六七八九十，一二三四五六七八九十…');
  });

  it('every entry has a "现在可以做的" paragraph and at most three short steps (the rules hold for the real content)', () => {
    const lacking: string[] = [];
    for (const e of realKb().entries) {
      const s = answerShape(chatBody(e.body), e.locale);
      if (!s.now || !s.steps.length) lacking.push(`${e.locale}:${e.id}`);
      assert.ok(s.steps.length <= MAX_STEPS);
      for (const st of s.steps) assert.ok(st.length <= (e.locale === 'en' ? 92 : STEP_CHARS + 2), `${e.id}: ${st}`);
    }
    assert.deepEqual(lacking, []);
  });

  it('the compact legal basis: at most two laws, two articles each, 等 for the rest', () => {
    const src = [
      { law: '中华人民共和国劳动合同法', article: '第十条、第八十二条、第八十五条' },
      { law: '劳动争议调解仲裁法', article: '第二十七条' },
      { law: '保障农民工工资支付条例', article: '第三十条' },
    ] as never;
    assert.equal(sourcesShort(src, 'zh-CN'), '《劳动合同法》第十条、第八十二条等；《劳动争议调解仲裁法》第二十七条等');
    const withProcedure = [{ law: '法律援助法', article: '第二十三条' }, { procedure: '12348 热线', issuer: '司法部' }] as never;
    assert.equal(sourcesShort(withProcedure, 'zh-CN'), '《法律援助法》第二十三条等');
    assert.equal(sourcesShort([{ procedure: '12348 热线', issuer: '司法部' }] as never, 'zh-CN'), '12348 热线（司法部）');
  });

  it('tel: links only for directory numbers, a hotline name as one link, not in URLs or quoted names', () => {
    const phones = directoryNumbers(realKb());
    assert.equal(telLinks('拨打 12333（人社热线）', phones), '拨打 [12333](tel:12333)（人社热线）');
    assert.equal(telLinks('可以拨打 12348 公共法律服务热线咨询', phones), '可以拨打 [12348 公共法律服务热线](tel:12348)咨询');
    assert.equal(telLinks('“掌上12348”和 12309.gov.cn、https://x.cn/12348', phones), '“掌上12348”和 12309.gov.cn、https://x.cn/12348');
    assert.equal(telLinks('打 13812345678 或 123480', phones), '打 13812345678 或 123480');
    assert.equal(telLinks('[12348](tel:12348)', phones), '[12348](tel:12348)');
    assert.equal(telLinks('（12348中国法网）；热线 12348）', phones), '（12348中国法网）；热线 [12348](tel:12348)）');
    assert.equal(telLinks('12345 政务服务便民热线可以', phones), '[12345 政务服务便民热线](tel:12345)可以');
  });

  it('every rendered answer links its hotline numbers', () => {
    const v = answerView(realKb(), routes, realKb().entry('labor-wage-arrears')!, 'zh-CN', undefined);
    const text = realFlows().templates.render('answer', 'zh-CN', { answer: v });
    assert.match(text, /\[12333\]\(tel:12333\)/);
    assert.match(text, /^\*\*被拖欠工资怎么办\*\*/);
    assert.match(text, /\*\*现在可以做的\*\*：/);
    assert.doesNotMatch(text, /哪个区县/);
  });

  it('conditions over slots', () => {
    const slots: Record<string, string | number | string[]> = { matter: 'pay', misses: 2, emergency: ['violence', 'weapon'], empty: '' };
    const get = (s: string) => slots[s];
    assert.ok(evalCondition({ matter: 'pay' }, get));
    assert.ok(evalCondition({ matter: ['other', 'pay'] }, get));
    assert.ok(!evalCondition({ matter: 'other' }, get));
    assert.ok(evalCondition({ misses: { gte: 2 } }, get));
    assert.ok(!evalCondition({ misses: { lte: 1 } }, get));
    assert.ok(evalCondition({ emergency: ['threat', 'weapon'] }, get));
    assert.ok(evalCondition({ matter: '$set', empty: '$unset', nothing: '$unset' }, get));
    assert.ok(!evalCondition({ matter: 'pay', misses: { gte: 3 } }, get));
  });

  it('call-back numbers: mobiles and landlines accepted, anything else refused', () => {
    assert.equal(parsePhone('13812345678'), '13812345678');
    assert.equal(parsePhone('我的电话是 138 1234 5678'), '13812345678');
    assert.equal(parsePhone('+86 139-1234-5678'), '13912345678');
    assert.equal(parsePhone('１３８１２３４５６７８'), '13812345678');
    assert.equal(parsePhone('0516-83123456'), '0516-83123456');
    for (const bad of ['123', '12348', '1381234567', '23812345678', '电话', '', '1'.repeat(200)]) assert.equal(parsePhone(bad), undefined, bad);
  });
});
