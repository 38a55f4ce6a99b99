import assert from 'node:assert/strict';
import { boundedWords, SearchEngine } from '../../src/search/engine';
import { CONCEPT_MARK } from '../../src/search/pipeline';
import { knowledge, searchEngine } from '../helpers';

describe('search engine', () => {
  it('ranks the entry whose questions match best first, with why it matched', () => {
    const r = searchEngine().search('单位拖欠我三个月的工钱不给', { top: 3 });
    assert.equal(r.results[0]?.topic, 'labor-wage-arrears');
    assert.ok(r.results[0]!.explain.bestQuestion);
    assert.ok(Object.keys(r.results[0]!.explain.terms).length > 0);
  });

  it('returns at most `top` results, best first', () => {
    const r = searchEngine().search('离婚', { top: 2 });
    assert.equal(r.results.length, 2);
    assert.ok(searchEngine().search('离婚', { top: 5 }).results.length > 2, 'more than two entries match, so the cut is real');
    for (let i = 1; i < r.results.length; i++) assert.ok(r.results[i - 1]!.score >= r.results[i]!.score);
  });

  it('understands traditional characters and full-width input', () => {
    const r = searchEngine().search('勞動仲裁怎麼申請', { top: 1 });
    assert.equal(r.results[0]?.topic, 'labor-arbitration');
  });

  it('is not confident about chatter outside the law', () => {
    for (const q of ['明天会下雨吗', '推荐一部好看的电影', '你喜欢什么颜色', 'hello there']) {
      assert.equal(searchEngine().search(q).confident, false, q);
    }
  });

  it('finds nothing to offer for small talk, so the bot does not ask "did you mean" about it', () => {
    for (const q of ['你是谁呀', '今天星期几', '讲个笑话', '我好无聊啊', '最近有什么新闻']) {
      const r = searchEngine().search(q);
      assert.ok(['no-match', 'empty'].includes(r.reason), `${q}: ${r.reason} → ${r.results[0]?.id}`);
      assert.ok(r.results.slice(0, 3).every((h) => !h.resembles), q);
    }
  });

  it('still offers the likely entries for a real but unclear question', () => {
    const r = searchEngine().search('赔偿的事');
    assert.equal(r.confident, false);
    assert.ok(['weak', 'ambiguous'].includes(r.reason), r.reason);
    assert.ok(r.results.slice(0, 3).some((h) => h.resembles), r.results.map((h) => h.id).join());
  });

  it('answers a story told in everyday words in its topic', () => {
    const r = searchEngine().search('我在工地上干活从脚手架上摔下来把腿摔断了，包工头说不归他管，医药费都是我自己垫的，我该找谁');
    assert.equal(r.confident, true, r.reason);
    assert.equal(r.results[0]?.topic, 'labor-work-injury', r.results.map((h) => h.id).join());
  });

  it('meets everyday words and an entry’s words through a concept class (电三轮 is a vehicle)', () => {
    const terms = searchEngine().analyzer.analyse('电三轮被刮倒了').words;
    assert.ok(terms.includes(`${CONCEPT_MARK}vehicle`) && terms.includes(`${CONCEPT_MARK}collision`), terms.join(' '));
  });

  it('judges within the topics it is given (a follow-up read against the entry on screen)', () => {
    const r = searchEngine().search('那要带什么材料', { within: { topics: ['labor-arbitration'] } });
    assert.ok(r.results.length > 0);
    assert.ok(r.results.every((h) => h.topic === 'labor-arbitration'), r.results.map((h) => h.id).join());
    assert.equal(r.results[0]?.id, 'labor-arbitration-materials');
  });

  it('says "topic" when the topic is clear but two of its entries are nearly as good, and acts on it', () => {
    const r = searchEngine().search('借给同事三万块钱，有聊天记录没有借条，他现在不认了');
    assert.equal(r.reason, 'topic');
    assert.equal(r.confident, true);
    const [a, b] = r.results;
    assert.equal(a?.topic, 'civil-debt');
    assert.equal(b?.topic, 'civil-debt');
  });

  it('answers a short question that matches one of its entry’s own questions directly, not as a choice', () => {
    for (const q of ['怎么申请法律援助', '交通事故对方不赔钱怎么办', '老板欠我工资不给']) {
      assert.equal(searchEngine().search(q).reason, 'strong', q);
    }
  });

  it('offers the entries a lone legal word names, but nothing for a lone everyday word', () => {
    const legal = searchEngine().search('赔偿');
    assert.ok(['weak', 'ambiguous'].includes(legal.reason), legal.reason);
    assert.ok(legal.results.some((h) => h.resembles));
    const everyday = searchEngine().search('你喜欢什么');
    assert.equal(everyday.reason, 'no-match');
    assert.ok(everyday.results.every((h) => !h.resembles));
  });

  it('never throws on hostile or odd input', () => {
    const inputs = ['', '   ', '？？？', '😀😀😀', 'title:foo^10 +bar -baz ~2 *', '\u0000\u0001\u001b[31m', '离婚'.repeat(5000), '\ud800', 'a'.repeat(10000)];
    for (const q of inputs) {
      const r = searchEngine().search(q);
      assert.equal(typeof r.confident, 'boolean');
      assert.ok(Array.isArray(r.results));
    }
    assert.equal(searchEngine().search('？？？').reason, 'empty');
  });

  it('searches English entries in the English locale', () => {
    const r = searchEngine().search('my boss has not paid my salary', { top: 3, locale: 'en' });
    assert.equal(r.results[0]?.topic, 'labor-wage-arrears');
    assert.equal(r.results[0]?.entry.locale, 'en');
  });

  it('loads a serialised index that gives the same results as the built one', () => {
    const json = JSON.parse(JSON.stringify(searchEngine().toJSON()));
    const loaded = SearchEngine.load(json, knowledge());
    assert.ok(loaded);
    for (const q of ['房东不退押金', '法律援助怎么申请', '被车撞了']) {
      assert.deepEqual(
        loaded.search(q).results.map((h) => [h.id, h.score]),
        searchEngine().search(q).results.map((h) => [h.id, h.score]),
      );
    }
  });

  it('refuses a serialised index built from other content', () => {
    const json = JSON.parse(JSON.stringify(searchEngine().toJSON()));
    json.contentHash = 'something-else';
    assert.equal(SearchEngine.load(json, knowledge()), undefined);
  });
});

describe('boundedWords', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);

  it('keeps a question that fits whole, concept classes included', () => {
    const ws = [...words(5), `${CONCEPT_MARK}work`];
    assert.deepEqual(boundedWords(ws, 32), ws);
  });

  it('keeps a long story’s opening and its end (where the question is), and every concept class', () => {
    const ws = [...words(50), `${CONCEPT_MARK}work`, `${CONCEPT_MARK}pay`];
    const kept = boundedWords(ws, 32);
    assert.equal(kept.length, 34);
    assert.deepEqual(kept.slice(0, 12), words(12));
    assert.deepEqual(kept.slice(12, 32), words(50).slice(30));
    assert.deepEqual(kept.slice(32), [`${CONCEPT_MARK}work`, `${CONCEPT_MARK}pay`]);
  });
});
