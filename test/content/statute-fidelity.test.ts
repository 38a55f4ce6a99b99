/**
 * Legal content says what the statute says. Each rule below comes from a spot-check that found an
 * entry paraphrasing an article too loosely (issue 8); the rule keeps every Chinese entry, present
 * and future, from repeating that mistake. The statute texts were read in the reference folder; the
 * rules only check the conditions and citations the articles themselves contain.
 */
import assert from 'node:assert/strict';
import type { KnowledgeEntry } from '../../src/content/schema';
import { knowledge } from '../helpers';

const zh = (): KnowledgeEntry[] => knowledge().entries.filter((e) => e.locale === 'zh-CN');

const cites = (e: KnowledgeEntry, law: RegExp, article: RegExp) =>
  e.sources.some((s) => 'law' in s && law.test(s.law) && article.test(s.article));

/** The answer without its "法律依据" list, i.e. what the citizen is told. */
const told = (e: KnowledgeEntry) => `${e.summary}\n${e.body.split('**法律依据**')[0]}`;

describe('the knowledge base states the statutes faithfully', () => {
  it('explains how N is computed only with 劳动合同法第四十七条 cited (12-month average, 3x and 12-year cap)', () => {
    const computing = zh().filter((e) => /每满一年/.test(e.body) && /经济补偿|赔偿金/.test(e.body));
    assert.ok(computing.length >= 2, computing.map((e) => e.id).join());
    for (const e of computing) {
      assert.ok(cites(e, /劳动合同法$/, /第四十七条/), `${e.file}: computes N without citing 第四十七条`);
      assert.match(e.body, /十二个月的平均工资/, `${e.file}: the monthly wage is the 12-month average (第四十七条第三款)`);
      assert.match(e.body, /三倍[\s\S]*十二年/, `${e.file}: the 3x / 12-year cap for high earners (第四十七条第二款)`);
    }
  });

  it('names the grounds of 第四十条第一项 as the law does: not being ill, but unable to work after the medical period', () => {
    for (const e of zh()) {
      const text = told(e);
      assert.doesNotMatch(text, /因患病、不能胜任/, `${e.file}: 第四十条第一项 is 医疗期满后不能从事原工作…, not simply being ill`);
      if (/试用期/.test(text) && cites(e, /劳动合同法$/, /第二十一条/)) {
        assert.match(text, /医疗期满后不能从事原工作/, `${e.file}: 第二十一条 allows only 第三十九条 and 第四十条第一项、第二项`);
      }
    }
  });

  it('gives small claims with all the conditions of 民事诉讼法第一百六十五条', () => {
    const small = zh().filter((e) => /小额诉讼/.test(e.body));
    assert.ok(small.length >= 2, small.map((e) => e.id).join());
    for (const e of small) {
      const where = e.body.slice(Math.max(0, e.body.indexOf('小额诉讼') - 200), e.body.indexOf('小额诉讼') + 400);
      for (const condition of ['事实清楚', '权利义务关系明确', '争议不大']) {
        assert.ok(where.includes(condition), `${e.file}: small claims without "${condition}"`);
      }
    }
  });

  it('never lets a disability card or age alone stand for 法律援助法第四十二条第一项 (无固定生活来源)', () => {
    for (const e of zh().filter((x) => cites(x, /法律援助法/, /第四十二条/))) {
      const text = told(e);
      if (/残疾人|残疾证/.test(text)) assert.match(text, /无固定生活来源|没有固定生活来源/, `${e.file}: mentions disabled people without "无固定生活来源"`);
    }
  });

  it('cites the medical-dispute regulation for what each article says: 第三十二条 free mediation, 第三十四条 joint appraisal', () => {
    for (const e of zh().filter((x) => /医疗纠纷人民调解/.test(told(x)))) {
      if (/不收费|不得收取费用|免费/.test(told(e))) assert.ok(cites(e, /医疗纠纷预防和处理条例/, /第三十二条/), `${e.file}: free mediation is 第三十二条`);
      if (/医疗损害鉴定/.test(told(e))) {
        assert.ok(cites(e, /医疗纠纷预防和处理条例/, /第三十四条/), `${e.file}: the appraisal is 第三十四条`);
        assert.match(told(e), /共同委托/, `${e.file}: 第三十四条 says 医患双方共同委托`);
      }
    }
  });

  it('cites the 2023 行政复议法 (application deadline 第二十条, not the old 第九条)', () => {
    for (const e of zh()) {
      for (const s of e.sources) {
        if (!('law' in s) || !/行政复议法/.test(s.law)) continue;
        assert.equal(s.version, '2023-09-01', `${e.file}: cite the 2023 revision`);
      }
      if (/行政复议[^。]*六十日/.test(told(e))) assert.ok(cites(e, /行政复议法/, /第二十条/), `${e.file}: the 60-day deadline is 第二十条`);
    }
  });
});
