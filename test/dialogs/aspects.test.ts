import assert from 'node:assert/strict';
import { aspectsCovered, aspectsOf, aspectsSchema, buildAspectLexicon, entryAspects, evidence, resolveFollowup } from '../../src/dialogs/aspects';
import { ownTerms, ownTermsMatched } from '../../src/dialogs/context';
import type { KnowledgeEntry } from '../../src/content/schema';
import type { SearchHit, SearchResult } from '../../src/search/types';
import { contextLexicon } from './lexicon';

const ctx = contextLexicon();
const lex = ctx.aspects;

const entry = (id: string, title: string, summary = '', opts: { topic?: string; kind?: KnowledgeEntry['kind'] } = {}): KnowledgeEntry =>
  ({ id, title, summary, topic: opts.topic ?? 't', kind: opts.kind ?? 'faq', questions: [title], keywords: [], followups: [] }) as unknown as KnowledgeEntry;
const hit = (id: string, score: number, terms: Record<string, string[]> = {}): SearchHit =>
  ({ id, topic: 't', title: id, score, resembles: true, entry: {} as KnowledgeEntry, explain: { terms, similarity: 0.5, coverage: 1, lunr: 1, topic: 1 } }) as SearchHit;
const result = (hits: SearchHit[], reason: SearchResult['reason'] = 'weak'): SearchResult => ({ query: 'q', confident: reason === 'strong' || reason === 'topic', reason, terms: [], results: hits });

describe('what a follow-up asks about (aspects, lexicon/context.yaml)', () => {
  describe('aspectsOf: the aspects a message names', () => {
    const cases: [string, string[]][] = [
      ['那要带什么材料', ['materials']],
      ['要钱吗', ['fees']],
      ['多久能下来', ['time']],
      ['在哪办', ['place']],
      ['打哪个电话', ['contact']],
      ['我不服 找谁去', ['appeal', 'who']],
      ['网上能办吗', ['online']],
      ['他要是反悔呢', ['breach']],
      // Paying less, being paid by the other side, still not given, another level of government.
      ['能少交点不', ['fees']],
      ['能让他赔我钱吗', ['amount']],
      ['他要是一直不给呢', ['breach']],
      ['在市里能办吗', ['place']],
      ['外地的也行吗', ['place']],
      // The longer word still wins: 不给批 is a refusal to approve, 不赔 the other side not paying.
      ['不给批呢', ['appeal']],
      ['他不赔我钱', ['breach']],
      ['12348有啥用', ['what']],
      ['有用吗', []],
    ];
    for (const [text, want] of cases) it(`"${text}" → ${want.join(', ')}`, () => assert.deepEqual(aspectsOf(text, lex), want));
    it('a longer word hides the shorter ones inside it: "能要多少钱" is an amount, "要交多少钱" a fee', () => {
      assert.deepEqual(aspectsOf('能要多少钱', lex), ['amount']);
      assert.deepEqual(aspectsOf('要交多少钱', lex), ['fees']);
    });
    it('of two words as long, the leftmost: "要赔多少钱" asks what one gets (赔多少), not a fee (多少钱)', () => {
      assert.deepEqual(aspectsOf('要赔多少钱', lex), ['amount']);
    });
    it('a message that asks about none of them names none ("还有呢", "他自己能选吗")', () => {
      assert.deepEqual(aspectsOf('还有呢', lex), []);
      assert.deepEqual(aspectsOf('他自己能选吗', lex), []);
    });
  });

  describe('entryAspects: what an entry answers, from its title (2) or only its summary (1)', () => {
    it('reads the title first, then the summary', () => {
      const e = entry('a', '申请劳动仲裁要带哪些材料', '仲裁不收费');
      const got = entryAspects(e, lex, []);
      assert.equal(got.get('materials'), 2);
      assert.equal(got.get('fees'), 1);
      assert.equal(got.has('time'), false);
    });
    it('a hotline number of the directory in the title covers "which number to call"', () => {
      assert.equal(entryAspects(entry('h', '怎样打12315投诉'), lex, ['12315']).get('contact'), 2);
      assert.equal(entryAspects(entry('h2', '怎样投诉'), lex, ['12315']).has('contact'), false);
    });
    it('evidence and aspectsCovered count over the message’s aspects', () => {
      const e = entry('s', '诉讼费交不起怎么办');
      assert.equal(evidence(e, ['lawsuit', 'fees'], lex, []), 4);
      assert.equal(aspectsCovered(e, ['lawsuit', 'fees', 'time'], lex, []), 2);
    });
    it('the aspects file is validated: an aspect needs words to ask with', () => {
      assert.equal(aspectsSchema.safeParse({ fees: { asks: [] } }).success, false);
      assert.equal(aspectsSchema.safeParse({ Fees: { asks: ['钱'] } }).success, false);
      assert.equal(aspectsSchema.safeParse({ fees: { asks: ['要钱'], covers: ['收费'], extra: 1 } }).success, false);
    });
  });

  describe('resolveFollowup: which entry of the topic answers it', () => {
    const main = entry('arb', '劳动仲裁怎么申请', '向单位所在地的仲裁委员会申请，仲裁不收费', { kind: 'procedure' });
    const materials = entry('arb-materials', '申请劳动仲裁要带哪些材料');
    const steps = entry('arb-steps', '劳动仲裁的流程和期限');
    const art27 = entry('arb-27', '劳动争议调解仲裁法第二十七条（仲裁时效一年）', '', { kind: 'regulation' });
    const pool = [main, materials, steps, art27];
    const resolve = (text: string, within: SearchResult = result([]), onScreen = 'arb') =>
      resolveFollowup({ text, aspects: aspectsOf(text, lex), pool, onScreen, topic: 't', within, hotlineNumbers: [] }, lex);

    it('the only entry whose title names the aspect answers it', () => {
      assert.deepEqual(resolve('那要带什么材料'), { answer: 'arb-materials' });
    });
    it('an aspect named only in a summary still counts when nothing names it in a title (the entry on screen)', () => {
      assert.deepEqual(resolve('在哪办', result([]), 'arb-materials'), { answer: 'arb' });
    });
    it('a plain answer comes before a statute article that covers the same', () => {
      assert.deepEqual(resolve('多久'), { answer: 'arb-steps' });
    });
    it('several equally good and nothing setting one apart: a one-tap choice among them, not the entry on screen', () => {
      const a = entry('x1', '试用期工资怎么算');
      const b = entry('x2', '经济补偿怎么算');
      const r = resolveFollowup({ text: '怎么算', aspects: aspectsOf('怎么算', lex), pool: [a, b], topic: 't', within: result([]), hotlineNumbers: [] }, lex);
      assert.deepEqual(r, { offer: ['x1', 'x2'] });
    });
    it('search’s sure pick among the equally good ones decides', () => {
      const a = entry('x1', '试用期工资怎么算');
      const b = entry('x2', '经济补偿怎么算');
      const r = resolveFollowup({ text: '怎么算', aspects: aspectsOf('怎么算', lex), pool: [a, b], topic: 't', within: result([hit('x2', 0.9), hit('x1', 0.85)], 'strong'), hotlineNumbers: [] }, lex);
      assert.deepEqual(r, { answer: 'x2' });
    });
    it('the entry a flow chose but has not shown yet answers when it covers as much as any (mediation asked the district first)', () => {
      const a = entry('x1', '试用期工资怎么算');
      const b = entry('x2', '经济补偿怎么算');
      const r = resolveFollowup({ text: '怎么算', aspects: aspectsOf('怎么算', lex), pool: [a, b], pending: 'x2', topic: 't', within: result([]), hotlineNumbers: [] }, lex);
      assert.deepEqual(r, { answer: 'x2' });
    });
    it('an aspect named only in passing in another entry’s summary loses to search’s sure pick there', () => {
      const filing = entry('sue', '怎样到法院起诉', '准备起诉状和证据，交到有管辖权的法院');
      const evidenceEntry = entry('sue-evidence', '打官司要准备哪些证据');
      const missing = entry('sue-missing', '家人失踪多年，怎样申请宣告失踪', '带下落不明证明向法院申请');
      const ask = (within: SearchResult) =>
        resolveFollowup({ text: '得准备点啥材料', aspects: aspectsOf('得准备点啥材料', lex), pool: [filing, evidenceEntry, missing], onScreen: 'sue', topic: 't', within, hotlineNumbers: [] }, lex);
      assert.deepEqual(ask(result([hit('sue-evidence', 0.8), hit('sue', 0.6)], 'strong')), { answer: 'sue-evidence' });
      // Search not sure: the passing mention is all there is.
      assert.deepEqual(ask(result([])), { answer: 'sue-missing' });
      // A title that names the aspect is no passing mention: it answers whatever search prefers.
      const materialsEntry = entry('sue-materials', '起诉要带哪些材料');
      const r = resolveFollowup({ text: '得准备点啥材料', aspects: aspectsOf('得准备点啥材料', lex), pool: [filing, evidenceEntry, materialsEntry], onScreen: 'sue', topic: 't', within: result([hit('sue-evidence', 0.8)], 'strong'), hotlineNumbers: [] }, lex);
      assert.deepEqual(r, { answer: 'sue-materials' });
    });
    it('the unread entry of the story answers when it names the aspect at all, even only in its summary, before one naming it in a title', () => {
      const noise = entry('noise', '邻居噪音扰民怎么办', '先沟通；无效可找物业、人民调解委员会调解，或拨打12345反映');
      const mediation = entry('mediation', '怎样申请人民调解');
      const ask = (pending?: string) => resolveFollowup({ text: '找谁管', aspects: aspectsOf('找谁管', lex), pool: [noise, mediation], pending, topic: 't', within: result([]), hotlineNumbers: [] }, lex);
      assert.deepEqual(ask('noise'), { answer: 'noise' });
      // Read already (on screen, not pending): the title that names it wins.
      assert.deepEqual(ask(), { answer: 'mediation' });
    });
    it('a follow-up button into another topic answers only what no entry of the topic on screen names', () => {
      const objection = entry('objection', '法律援助申请被拒绝了怎么办', '向司法局提出异议，五日内出结果', { topic: 'objection' });
      const art43 = entry('art-43', '法律援助法第四十三条：七日内决定', '', { topic: 'apply' });
      const ask = (text: string, pool: KnowledgeEntry[]) => resolveFollowup({ text, aspects: aspectsOf(text, lex), pool, onScreen: 'objection', topic: 'objection', within: result([]), hotlineNumbers: [] }, lex);
      // The topic's own entry names the deadline only in its summary; the other topic's article in its title.
      assert.deepEqual(ask('多长时间内要提', [objection, art43]), { answer: 'objection' });
      // Nothing of the topic names it: the follow-up into the other topic answers.
      const after = entry('objection-after', '司法局维持不给援助，还能怎么办', '', { topic: 'objection' });
      assert.deepEqual(ask('多长时间内要提', [after, art43]), { answer: 'art-43' });
    });
    it('nothing when no entry names the aspect, or the message names none', () => {
      assert.equal(resolve('打哪个电话'), undefined);
      assert.equal(resolve('还有呢'), undefined);
    });
  });

  describe('ownTerms: the words of a message that say what it is about', () => {
    it('a message of follow-up and aspect words has none', () => {
      assert.deepEqual(ownTerms('要多长时间', ['多长', '时间', '长时间', '多长时间'], ctx), []);
      assert.deepEqual(ownTerms('要钱吗', ['要钱', '§free'], ctx), []);
    });
    it('a word of its own, or a synonym search put for one, is own', () => {
      assert.deepEqual(ownTerms('医院把人治坏了找谁', ['医院', '治', '坏', '谁'], ctx), ['医院', '治', '坏']);
      assert.deepEqual(ownTerms('撞车了对方不赔咋弄', ['交通事故', '对方', '赔'], ctx), ['交通事故']);
    });
    it('ownTermsMatched counts matches in questions, title and keywords, not the body', () => {
      assert.equal(ownTermsMatched(['医院'], [hit('a', 1, { body: ['医院'] })]), 0);
      assert.equal(ownTermsMatched(['医院', '治'], [hit('a', 1, { questions: ['医院'] })]), 0.5);
      assert.equal(ownTermsMatched([], []), 1);
    });
  });

  it('buildAspectLexicon keeps every asks word, longest first', () => {
    const l = buildAspectLexicon({ fees: { asks: ['钱', '多少钱'], covers: [], covers_hotlines: false } });
    assert.deepEqual(l.asks.map((a) => a.word), ['多少钱', '钱']);
  });
});
