import assert from 'node:assert/strict';
import { Analyzer, BIGRAM_MARK } from '../../src/search/pipeline';

describe('search pipeline', () => {
  const analyzer = new Analyzer({
    legalTerms: ['三个月', '劳动仲裁', '法律援助'],
    synonyms: [
      ['拖欠工资', '欠薪', '不发工资'],
      ['法律援助', '法援'],
      ['工资', 'salary', 'wages'],
    ],
    concepts: [{ id: 'mediate', words: ['调解', 'mediation'] }],
    stopwords: ['怎么办', '我', '的', '吗', 'how', 'the'],
  });

  describe('normalise', () => {
    it('folds full-width letters and digits to half-width and lower case', () => {
      assert.equal(analyzer.normalise('ＡＢＣ１２３４８'), 'abc12348');
    });
    it('turns traditional characters into simplified ones', () => {
      assert.equal(analyzer.normalise('勞動仲裁怎麼申請'), '劳动仲裁怎么申请');
    });
    it('removes control and format characters and collapses spaces', () => {
      assert.equal(analyzer.normalise('离\u0000婚\u200b  手续\t\n'), '离 婚 手续');
    });
  });

  describe('analyse', () => {
    it('keeps legal terms whole and drops filler words', () => {
      const { words } = analyzer.analyse('我三个月工资怎么办');
      assert.ok(words.includes('三个月'));
      assert.ok(words.includes('工资'));
      assert.ok(!words.includes('我') && !words.includes('怎么办'));
    });
    it('reads every word of a synonym group as its first word', () => {
      assert.ok(analyzer.analyse('老板欠薪').words.includes('拖欠工资'));
      assert.ok(analyzer.analyse('单位不发工资').words.includes('拖欠工资'));
      assert.ok(analyzer.analyse('法援').words.includes('法律援助'));
    });
    it('reads an English word of a synonym group or concept as the group, whatever its ending', () => {
      const words = analyzer.analyse('my salary and wages, mediation').words;
      assert.ok(words.includes('工资') && !words.includes('salari') && !words.includes('wage'), words.join(' '));
      assert.ok(words.includes('§mediate'), words.join(' '));
    });
    it('adds character bigrams of the Chinese text, without the filler words', () => {
      const { bigrams } = analyzer.analyse('仲栽怎么办');
      assert.deepEqual(bigrams, [`${BIGRAM_MARK}仲栽`]);
    });
    it('stems English words and drops English stop words', () => {
      const { words } = analyzer.analyse('How do the lawyers charge?');
      assert.ok(words.includes('lawyer'));
      assert.ok(!words.includes('how') && !words.includes('the'));
    });
    it('keeps hotline numbers but not lone digits', () => {
      const { words } = analyzer.analyse('12348 是 1 个热线');
      assert.ok(words.includes('12348'));
      assert.ok(!words.includes('1'));
    });
    it('gives nothing for punctuation, emoji and control characters alone', () => {
      const a = analyzer.analyse('？！。…😀🙏\u0007');
      assert.deepEqual(a, { words: [], bigrams: [] });
    });
    it('copes with a 10,000-character message', () => {
      const a = analyzer.analyse('老板欠我工资'.repeat(1700));
      assert.ok(a.words.includes('工资'));
    });
  });
});
