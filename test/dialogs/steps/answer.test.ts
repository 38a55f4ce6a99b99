import assert from 'node:assert/strict';
import { answer } from '../../../src/dialogs/steps/answer';
import { fakeContext, stepOf } from './fake-context';

const step = stepOf('answer', { id: 'show', entry: 'entry', helpful: 'thanks', unhelpful: 'sorry' });

async function shown(opts: Parameters<typeof fakeContext>[0] = {}) {
  const f = fakeContext({ flow: 'answer', slots: { entry: 'labor-wage-arrears', question: '老板拖欠工资' }, ...opts });
  assert.deepEqual(await answer.enter(step, f.ctx, { reprompt: false }), { type: 'wait' });
  return f;
}

describe('step kind: answer', () => {
  it('shows the entry (answer template) with its source, follow-ups, 展开全文 and the feedback buttons; waits', async () => {
    const f = await shown();
    const r = f.sent[0]!;
    assert.equal(r.template, 'answer');
    assert.match(r.text, /被拖欠工资怎么办/);
    assert.match(r.text, /依据/);
    assert.ok(r.full && r.full.length > r.text.length / 2, 'the whole text rides along (answer-full)');
    const followups = f.ctx.services.kb.entry('labor-wage-arrears')!.followups.map((id) => f.ctx.services.kb.entry(id)!.title);
    assert.deepEqual(r.suggestions, [...followups, '展开全文 / 详细步骤', '有帮助', '没帮助']);
    assert.deepEqual(f.talk, { entry: 'labor-wage-arrears', topic: 'labor-wage-arrears' });
  });

  it('有帮助 / 没帮助 (also typed) are recorded for editors, then helpful / unhelpful', async () => {
    const f = await shown();
    assert.deepEqual(await answer.input!(step, f.ctx, '有帮助'), { type: 'next', step: 'thanks' });
    assert.deepEqual(await answer.input!(step, f.ctx, '看不懂'), { type: 'next', step: 'sorry' });
    assert.deepEqual(f.feedback.records.map((r) => [r.entryId, r.helpful, r.question]), [
      ['labor-wage-arrears', true, '老板拖欠工资'],
      ['labor-wage-arrears', false, '老板拖欠工资'],
    ]);
  });

  it('a follow-up (by number) is answered the same way: the entry slot changes, the step runs again', async () => {
    const f = await shown();
    assert.deepEqual(await answer.input!(step, f.ctx, '1'), { type: 'next', step: 'show' });
    assert.equal(f.state.slots['entry'], f.ctx.services.kb.entry('labor-wage-arrears')!.followups[0]);
  });

  it('展开全文: the whole entry (answer-full), the same buttons without that one, still waiting', async () => {
    const f = await shown();
    assert.deepEqual(await answer.input!(step, f.ctx, '展开全文 / 详细步骤'), { type: 'wait' });
    assert.equal(f.sent[1]!.template, 'answer-full');
    assert.ok(!f.sent[1]!.suggestions.includes('展开全文 / 详细步骤'));
    assert.ok(f.sent[1]!.suggestions.includes('有帮助'));
  });

  it('only a district name: where to go there (route template), still waiting', async () => {
    const f = await shown();
    assert.deepEqual(await answer.input!(step, f.ctx, '我在铜山'), { type: 'wait' });
    assert.equal(f.sent[1]!.template, 'route');
    assert.match(f.sent[1]!.text, /12348/);
  });

  it('anything else is a new question', async () => {
    const f = await shown();
    assert.deepEqual(await answer.input!(step, f.ctx, '离婚孩子归谁'), { type: 'question', text: '离婚孩子归谁' });
  });

  it('an entry of a topic another flow offers: that flow as a button, which continues there', async () => {
    const entry = fakeContext().ctx.services.kb.entries.find((e) => e.topic === 'legal-aid-eligibility')!;
    const f = await shown({ slots: { entry: entry.id } });
    assert.ok(f.sent[0]!.suggestions.includes('法律援助预审'));
    assert.deepEqual(await answer.input!(step, f.ctx, '法律援助预审'), { type: 'goto', flow: 'screening' });
  });

  it('an entry that no longer exists (content changed under a saved conversation): gave-up, end', async () => {
    const f = fakeContext({ slots: { entry: 'no-such-entry' } });
    assert.deepEqual(await answer.enter(step, f.ctx, { reprompt: false }), { type: 'end' });
    assert.equal(f.sent[0]!.template, 'gave-up');
  });

  it('refers to itself, helpful, unhelpful, both answer templates and its button labels', () => {
    assert.deepEqual(answer.targets(step), {
      steps: ['show', 'thanks', 'sorry'],
      flows: [],
      templates: ['answer', 'answer-full'],
      keys: ['feedback.helpful', 'feedback.unhelpful', 'answer.more'],
    });
  });
});
