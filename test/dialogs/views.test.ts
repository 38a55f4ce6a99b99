import assert from 'node:assert/strict';
import { KnowledgeBase } from '../../src/content/knowledge';
import type { District } from '../../src/content/schema';
import { evalCondition } from '../../src/dialogs/runtime';
import { parsePhone } from '../../src/dialogs/steps/ask';
import { answerView, chatBody, routeView, sourcesLine } from '../../src/dialogs/views';
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

  it('unknown district: the hotline, and a note that the district would help', () => {
    const v = routeView(realKb(), routes, '12348', 'zh-CN', undefined, 'legal-aid-centre');
    assert.equal(v.hotline?.number, '12348');
    assert.equal(v.needsDistrict, true);
    assert.equal(v.office, undefined);
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
