import assert from 'node:assert/strict';
import { aboutTheAnswer, afterAboutAnswer, chooseReading, followupCue, looksLikeQuestion, matchesOwnWords, ownTerms, uncovered } from '../../src/dialogs/context';
import { normalizeForMatch } from '../../src/dialogs/input';
import type { SearchHit, SearchResult } from '../../src/search/types';
import { contextLexicon } from './lexicon';

const lex = contextLexicon();

const hit = (id: string, topic: string, resembles = true): SearchHit =>
  ({ id, topic, title: id, score: 1, resembles, entry: {} as SearchHit['entry'], explain: { terms: {}, similarity: 0.5, coverage: 1, lunr: 1 } as unknown as SearchHit['explain'] });
const result = (confident: boolean, hits: SearchHit[], reason: SearchResult['reason'] = confident ? 'strong' : 'weak'): SearchResult => ({
  query: 'q',
  confident,
  reason,
  terms: [],
  results: hits,
});

describe('follow-ups read against the answer on screen', () => {
  describe('the shape of a follow-up (lexicon/context.yaml)', () => {
    const bare = ['那要带什么材料', '还有呢', '多久', '要钱吗', '在哪办', '不服怎么办', '那他不给呢', '要多少钱', '对方不同意怎么办'];
    for (const t of bare) it(`"${t}" is a bare follow-up`, () => assert.equal(followupCue(t, lex), 'bare'));
    // Made of the everyday words follow-ups are made of too: a little (点, 些), not (不, 没), keeping
    // on (一直, 还是), prepositions (在, 跟), plain verbs (让, 签字, 查, 提), which level (市里, 外地), 的话, 东西.
    const everyday = ['他要是一直不给呢', '要带点啥材料', '得带啥东西不', '不签字行不行', '在市里能办吗', '外地的也行吗', '网上能查吗', '他还是不还呢', '不服的话几天内能提', '能让他赔吗'];
    for (const t of everyday) it(`"${t}" is a bare follow-up`, () => assert.equal(followupCue(t, lex), 'bare'));
    it('a message naming something of its own is still no bare follow-up ("在徐州能办离婚吗", "村里不给开证明")', () => {
      for (const t of ['在徐州能办离婚吗', '村里不给开证明', '市里哪个医院好', '外地人被欠薪咋办']) assert.equal(followupCue(t, lex), 'weak', t);
      assert.equal(followupCue('外地人在徐州打工被欠了三个月工资怎么办', lex), 'none');
    });
    it('the 不 that ends an A-不 question is no word of the message\'s own ("聊天记录算证据不")', () => {
      assert.deepEqual(ownTerms('聊天记录算证据不', ['聊天', '记录', '聊天记录', '算', '证据', '不'], lex), []);
      assert.deepEqual(ownTerms('医院不给病历咋办', ['医院', '不', '病历'], lex), ['医院', '病历']);
    });
    it('a character of its own still makes a strong cue ("能补录吗")', () => assert.equal(followupCue('能补录吗', lex), 'strong'));
    it('a lead word allows a word of its own ("那离婚呢"), search decides whether it stays in the topic', () => {
      assert.equal(followupCue('那离婚呢', lex), 'strong');
    });
    it('a short message naming something of its own is only a weak cue', () => {
      assert.equal(followupCue('办公证要带什么材料', lex), 'weak');
      assert.equal(followupCue('离婚怎么办', lex), 'weak');
    });
    it('a long message stands alone', () => {
      assert.equal(followupCue('老板拖欠我三个月工资一直不给怎么办', lex), 'none');
      assert.equal(followupCue('', lex), 'none');
    });
    it('uncovered leaves the characters no follow-up word covers', () => {
      assert.equal(uncovered(normalizeForMatch('办公证要带什么材料'), lex), '公证');
      assert.equal(uncovered(normalizeForMatch('要带什么材料'), lex), '');
    });
    it('question words tell a question from an answer', () => {
      assert.equal(looksLikeQuestion('他不肯赔呢', lex), true);
      assert.equal(looksLikeQuestion('找谁反映', lex), true);
      assert.equal(looksLikeQuestion('我在铜山', lex), false);
      assert.equal(looksLikeQuestion('鼓楼区?', lex), true);
    });
    it('asking only about the answer on screen — is it allowed, what now — is told apart (about_answer)', () => {
      for (const t of ['这合法吗', '他们这样可以吗', '我能咋办', '先要干啥', '那我要干啥', '接下来呢']) assert.equal(aboutTheAnswer(t, lex), 'only', t);
      assert.equal(aboutTheAnswer('离婚怎么办', lex), undefined);
      assert.equal(aboutTheAnswer('要钱吗', lex), undefined);
      // Whether doing it is of use asks about the answer too; what a thing is good for is the aspect `what`.
      for (const t of ['有用吗', '那管用不', '这样有用没']) assert.equal(aboutTheAnswer(t, lex), 'only', t);
      assert.notEqual(aboutTheAnswer('调解协议有用吗', lex), 'only');
    });
    it('a longer message that starts by asking what now is a follow-up, and what it goes on to ask is the question', () => {
      assert.equal(aboutTheAnswer('接下来咋弄 找保险还是找他本人', lex), 'leads');
      assert.equal(followupCue('接下来咋弄 找保险还是找他本人', lex), 'weak');
      assert.equal(afterAboutAnswer('接下来咋弄 找保险还是找他本人', lex), '找保险还是找他本人');
      assert.equal(afterAboutAnswer('离婚了孩子归谁 怎么办', lex), '离婚了孩子归谁 怎么办');
      assert.equal(followupCue('老板拖欠我三个月工资 怎么办才好呢', lex), 'none');
    });
    it('an A-不 question said short ("俺能告他们不", "收费不") asks too', () => {
      assert.equal(looksLikeQuestion('俺能告他们不', lex), true);
      assert.equal(looksLikeQuestion('收费不', lex), true);
      assert.equal(looksLikeQuestion('不', lex), false);
      assert.equal(looksLikeQuestion('我住铜山', lex), false);
    });
  });

  describe('which reading is answered', () => {
    const topic = 'labor-arbitration';
    const elsewhere = result(true, [hit('notary-materials', 'notary')]);
    const inTopic = result(true, [hit('labor-arbitration-materials', topic)]);
    const weakInTopic = result(false, [hit('labor-arbitration-steps', topic)]);
    const nothing = result(false, [], 'no-match');
    it('a strong cue is read in the topic even when the message alone is confident elsewhere', () => {
      assert.equal(chooseReading('strong', elsewhere, inTopic, topic), 'within');
    });
    it('a weak cue loses to a confident answer in another topic: a new question', () => {
      assert.equal(chooseReading('weak', elsewhere, inTopic, topic), 'alone');
    });
    it('a weak cue confident elsewhere stays in the topic when the topic’s sure answer names its own words', () => {
      assert.equal(chooseReading('weak', elsewhere, inTopic, topic, true), 'within');
      assert.equal(chooseReading('weak', elsewhere, weakInTopic, topic, false), 'alone');
    });
    it('not confident alone but confident in the topic → the topic', () => {
      assert.equal(chooseReading('weak', nothing, inTopic, topic), 'within');
    });
    it('not confident anywhere, close candidates in the topic → one tap among them', () => {
      assert.equal(chooseReading('strong', nothing, weakInTopic, topic), 'within');
    });
    it('no cue, no topic or nothing in the topic → the message alone', () => {
      assert.equal(chooseReading('none', nothing, inTopic, topic), 'alone');
      assert.equal(chooseReading('strong', elsewhere, inTopic, undefined), 'alone');
      assert.equal(chooseReading('strong', elsewhere, nothing, topic), 'alone');
    });
    it('a bare follow-up the topic has nothing close for is narrowed to the topic, not answered elsewhere', () => {
      assert.equal(chooseReading('bare', elsewhere, nothing, topic), 'narrow');
      assert.equal(chooseReading('bare', nothing, nothing, topic), 'narrow');
    });
    it('a strong cue that search cannot place at all ("他要是不赔咋办") is narrowed too; a weak one stays a question of its own', () => {
      assert.equal(chooseReading('strong', nothing, nothing, topic), 'narrow');
      assert.equal(chooseReading('weak', nothing, nothing, topic), 'alone');
    });
    it('a confident answer in the same topic is kept as it is', () => {
      const same = result(true, [hit('labor-arbitration', topic)]);
      assert.equal(chooseReading('strong', same, inTopic, topic), 'alone');
    });
  });

  describe('the words left out put back', () => {
    const withTerms = (terms: Record<string, string[]>): SearchHit => ({ ...hit('family-divorce-registration', 'family-divorce'), explain: { terms, similarity: 0.5, coverage: 1, lunr: 1 } as unknown as SearchHit['explain'] });
    it('a hit answers the message only if it matched some of the message’s own words', () => {
      assert.equal(matchesOwnWords(withTerms({ questions: ['离婚', '多长时间'] }), ['多长', '时间', '多长时间']), true);
      assert.equal(matchesOwnWords(withTerms({ title: ['离婚'] }), ['多长', '时间']), false);
      assert.equal(matchesOwnWords(undefined, ['多长']), false);
    });
  });
});
