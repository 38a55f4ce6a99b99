import assert from 'node:assert/strict';
import { joinSaid, MAX_SAID_CHARS, search } from '../../../src/dialogs/steps/search';
import type { KnowledgeSearch } from '../../../src/search/types';
import { realKb } from '../../bot/harness';
import { fakeContext, scriptedSearch, stepOf } from './fake-context';

const step = stepOf('search', { id: 'look', query: 'question', confident: 'show', unsure: 'clarify', none: 'rephrase' });

describe('step kind: search', () => {
  it('confident: the best entry goes into `entry` and becomes the conversation’s current entry', async () => {
    const f = fakeContext({ slots: { question: '老板拖欠工资怎么办', misses: 1 }, search: scriptedSearch({ confident: true, reason: 'strong', hits: [{ id: 'labor-wage-arrears' }] }) });
    assert.deepEqual(await search.enter(step, f.ctx, { reprompt: false }), { type: 'next', step: 'show' });
    assert.equal(f.state.slots['entry'], 'labor-wage-arrears');
    assert.equal(f.state.slots['verdict'], 'strong');
    assert.equal(f.state.slots['misses'], undefined, 'an answer clears the misses');
    assert.deepEqual(f.talk, { entry: 'labor-wage-arrears', topic: 'labor-wage-arrears', said: '老板拖欠工资怎么办' }, 'what was said is kept for the next follow-up');
    assert.equal(f.unanswered.records.length, 0);
    assert.equal(f.sent.length, 0, 'search itself says nothing');
  });

  it('confident in a topic a flow claims (topics:): continues in that flow', async () => {
    const f = fakeContext({ slots: { question: '邻居家漏水到我家' }, search: scriptedSearch({ confident: true, reason: 'strong', hits: [{ id: 'neighbor-dispute-water-leak' }] }) });
    assert.deepEqual(await search.enter(step, f.ctx, { reprompt: false }), { type: 'goto', flow: 'mediation' });
  });

  it('unsure: the resembling hits close to the best become candidates; recorded for editors; one miss', async () => {
    const f = fakeContext({
      slots: { question: '工资的事' },
      search: scriptedSearch({ confident: false, reason: 'weak', hits: [{ id: 'labor-wage-arrears', score: 10 }, { id: 'labor-arbitration', score: 6 }, { id: 'family-divorce', score: 2 }, { id: 'traffic-accident', score: 9, resembles: false }] }),
    });
    assert.deepEqual(await search.enter(step, f.ctx, { reprompt: false }), { type: 'next', step: 'clarify' });
    assert.deepEqual(f.state.slots['candidates'], ['labor-wage-arrears', 'labor-arbitration']);
    assert.equal(f.state.slots['misses'], 1);
    assert.equal(f.unanswered.records.length, 1);
    assert.deepEqual(f.unanswered.records[0]!.candidates, ['labor-wage-arrears', 'labor-arbitration']);
    assert.equal(f.unanswered.records[0]!.reason, 'weak');
  });

  it('none: nothing resembles the question → verdict no-match, misses counted up', async () => {
    const f = fakeContext({ slots: { question: '今天天气怎么样', misses: 1 }, search: scriptedSearch({ confident: false, reason: 'weak', hits: [{ id: 'family-divorce', resembles: false }] }) });
    assert.deepEqual(await search.enter(step, f.ctx, { reprompt: false }), { type: 'next', step: 'rephrase' });
    assert.equal(f.state.slots['verdict'], 'no-match');
    assert.equal(f.state.slots['misses'], 2);
  });

  it('a follow-up is also searched within the topic on screen', async () => {
    const f = fakeContext({ slots: { question: '那要带什么材料' }, talk: { entry: 'labor-wage-arrears', topic: 'labor-wage-arrears' } });
    await search.enter(step, f.ctx, { reprompt: false });
    assert.ok(f.searches.some((s) => s.within !== undefined), 'searched within the topic');
  });

  describe('a follow-up read with what the citizen said before', () => {
    // Sure only when the first message's words are in the query (and the message's own word 条件).
    const withBefore = (id: string, before: string): KnowledgeSearch => ({
      search: (query) => {
        const sure = query.includes(before) && query.includes('条件');
        const entry = realKb().entry(id)!;
        const hit = { id, topic: entry.topic, title: entry.title, score: 1, entry, resembles: true, explain: { terms: { questions: ['条件'] }, similarity: 1, coverage: 1, lunr: 1, topic: 1 } };
        return { query, confident: sure, reason: sure ? 'strong' : 'no-match', terms: ['条件'], results: sure ? [hit] : [] };
      },
    });
    it('after a question that was not answered, an elliptical message is searched with it and answered when search is then sure', async () => {
      const f = fakeContext({ slots: { question: '俺这种条件够吗' }, talk: { said: '法律援助谁能申请' }, search: withBefore('legal-aid-eligibility', '法律援助谁能申请') });
      assert.deepEqual(await search.enter(step, f.ctx, { reprompt: false }), { type: 'next', step: 'show' });
      assert.equal(f.state.slots['entry'], 'legal-aid-eligibility');
      assert.ok(f.searches.some((s) => s.query.startsWith('法律援助谁能申请')), 'searched with the words said before');
    });
    it('a message that stands alone is not read with what was said before', async () => {
      const f = fakeContext({ slots: { question: '老板拖欠我三个月工资一直不给我该怎么办才好' }, talk: { said: '法律援助谁能申请' }, search: withBefore('legal-aid-eligibility', '法律援助谁能申请') });
      await search.enter(step, f.ctx, { reprompt: false });
      assert.ok(!f.searches.some((s) => s.query.includes('法律援助谁能申请')));
      assert.equal(f.talk.said, '老板拖欠我三个月工资一直不给我该怎么办才好', 'a new question starts what is said anew');
    });
    it('an elliptical message left unanswered is kept with what was said before, for the next one', async () => {
      const f = fakeContext({ slots: { question: '那要钱吗' }, talk: { said: '红烧肉怎么做' }, search: scriptedSearch({ confident: false, reason: 'no-match', hits: [] }) });
      await search.enter(step, f.ctx, { reprompt: false });
      assert.equal(f.talk.said, '红烧肉怎么做 那要钱吗');
    });
    it('what is kept is cut to its latest characters', () => {
      assert.equal(Array.from(joinSaid('老'.repeat(MAX_SAID_CHARS), '要钱吗')).length, MAX_SAID_CHARS);
      assert.ok(joinSaid('老'.repeat(MAX_SAID_CHARS), '要钱吗').endsWith(' 要钱吗'));
      assert.equal(joinSaid(undefined, '要钱吗'), '要钱吗');
    });
  });

  it('refers to its three outcomes', () => {
    assert.deepEqual(search.targets(step).steps, ['show', 'clarify', 'rephrase']);
  });
});
