import assert from 'node:assert/strict';
import { choice } from '../../../src/dialogs/steps/choice';
import { fakeContext, scriptedSearch, stepOf } from './fake-context';

const matter = (more: Record<string, unknown> = {}) =>
  stepOf('choice', {
    id: 'matter',
    prompt: 'screening-matter',
    retry: 'screening-matter-retry',
    slot: 'matter',
    onFail: 'gave-up',
    maxRetries: 1,
    options: [
      { value: 'criminal', label: 'screening.matter.criminal', synonyms: ['刑事案件'], next: 'role' },
      { value: 'pay', label: 'screening.matter.pay', synonyms: ['讨薪'], next: 'art32', set: { topic: 'wages' } },
      { value: 'other', label: 'screening.matter.other', goto: 'handoff' },
    ],
    ...more,
  });

describe('step kind: choice', () => {
  it('shows the prompt with the options as buttons in the citizen’s language, then waits', async () => {
    const f = fakeContext();
    assert.deepEqual(await choice.enter(matter(), f.ctx, { reprompt: false }), { type: 'wait' });
    assert.equal(f.sent[0]!.template, 'screening-matter');
    assert.deepEqual(f.sent[0]!.suggestions, ['刑事案件（被抓、被起诉，或被害人）', '讨要工资、确认劳动关系', '其他（离婚、借钱、房屋、邻里等）']);
    assert.equal(f.sent[0]!.expectsInput, true);
    assert.deepEqual(f.state.shown.map((o) => o.value), ['criminal', 'pay', 'other']);
  });

  it('a number, a label or a synonym picks the option: its slot, label, set and next', async () => {
    for (const answer of ['2', '讨要工资、确认劳动关系', '讨薪']) {
      const f = fakeContext();
      await choice.enter(matter(), f.ctx, { reprompt: false });
      assert.deepEqual(await choice.input!(matter(), f.ctx, answer), { type: 'next', step: 'art32' }, answer);
      assert.equal(f.state.slots['matter'], 'pay');
      assert.equal(f.state.slots['topic'], 'wages');
      assert.equal(f.state.labels['matter'], 'screening.matter.pay');
    }
  });

  it('an option with goto continues in that flow', async () => {
    const f = fakeContext();
    await choice.enter(matter(), f.ctx, { reprompt: false });
    assert.deepEqual(await choice.input!(matter(), f.ctx, '3'), { type: 'goto', flow: 'handoff' });
  });

  it('an answer it does not understand: the retry template, then onFail after maxRetries', async () => {
    const f = fakeContext({ search: scriptedSearch({ confident: false }) });
    await choice.enter(matter(), f.ctx, { reprompt: false });
    assert.deepEqual(await choice.input!(matter(), f.ctx, '嗯嗯'), { type: 'wait' });
    assert.equal(f.sent.at(-1)!.template, 'screening-matter-retry');
    assert.deepEqual(await choice.input!(matter(), f.ctx, '嗯嗯'), { type: 'next', step: 'gave-up' });
  });

  it('a number it does not have is asked again (choice-retry), even where other text is a question', async () => {
    const step = matter({ otherwise: 'question', retry: undefined });
    const f = fakeContext();
    await choice.enter(step, f.ctx, { reprompt: false });
    assert.deepEqual(await choice.input!(step, f.ctx, '7'), { type: 'wait' });
    assert.equal(f.sent.at(-1)!.template, 'choice-retry');
    assert.deepEqual(await choice.input!(step, f.ctx, '房东不退押金'), { type: 'question', text: '房东不退押金' });
  });

  it('where a pick is required, a question search is sure about is answered, not asked again', async () => {
    const f = fakeContext({ search: scriptedSearch({ confident: true, reason: 'strong', hits: [{ id: 'labor-wage-arrears' }] }) });
    await choice.enter(matter(), f.ctx, { reprompt: false });
    assert.deepEqual(await choice.input!(matter(), f.ctx, '申请后几天给答复？'), { type: 'question', text: '申请后几天给答复？' });
  });

  it('skipIf with the answer known: picks it without asking', async () => {
    const step = matter({ skipIf: { matter: '$set' } });
    const f = fakeContext({ slots: { matter: 'criminal' } });
    assert.deepEqual(await choice.enter(step, f.ctx, { reprompt: false }), { type: 'next', step: 'role' });
    assert.equal(f.sent.length, 0);
  });

  it('options with `when` are offered only when it holds; none left → onFail', async () => {
    const step = matter({ options: [{ value: 'pay', label: 'screening.matter.pay', next: 'art32', when: { art32: 'yes' } }] });
    const f = fakeContext();
    assert.deepEqual(await choice.enter(step, f.ctx, { reprompt: false }), { type: 'next', step: 'gave-up' });
    assert.equal(f.sent.length, 0);
  });

  it('dynamic candidates come first; picking one stores the entry and goes to onPick', async () => {
    const step = stepOf('choice', {
      id: 'pick',
      prompt: 'clarify',
      dynamic: 'candidates',
      onPick: 'show',
      options: [{ value: 'none', label: 'choice.none-of-these', next: 'rephrase' }],
    });
    const f = fakeContext({ slots: { candidates: ['labor-wage-arrears', 'labor-arbitration'] } });
    await choice.enter(step, f.ctx, { reprompt: false });
    assert.deepEqual(f.sent[0]!.suggestions, ['被拖欠工资怎么办', f.ctx.services.kb.entry('labor-arbitration')!.title, '都不是']);
    assert.deepEqual(await choice.input!(step, f.ctx, '2'), { type: 'next', step: 'show' });
    assert.equal(f.state.slots['entry'], 'labor-arbitration');
  });

  it('an option with dial: that button dials the hotline', async () => {
    const step = stepOf('choice', { id: 'offer', prompt: 'screening-matter', options: [{ value: 'call', label: 'menu.human', next: 'x', dial: 'hotline-12348' }] });
    const f = fakeContext();
    await choice.enter(step, f.ctx, { reprompt: false });
    assert.deepEqual(f.sent[0]!.dial, { 转人工: '12348' });
  });

  it('buttons carry their numbers exactly when the prompt asks for a number (回复序号)', async () => {
    const f = fakeContext({ search: scriptedSearch({ confident: false }) });
    await choice.enter(matter(), f.ctx, { reprompt: false });
    assert.equal(f.sent[0]!.numbered, false, 'screening-matter does not ask for a number');
    await choice.input!(matter(), f.ctx, '嗯嗯');
    assert.match(f.sent[1]!.text, /回复序号/);
    assert.equal(f.sent[1]!.numbered, true, 'its retry does');
  });

  it('refers to every option’s next or goto, onPick, onFail, its templates and labels', () => {
    const t = choice.targets(matter());
    assert.deepEqual(t.steps, ['role', 'art32', 'gave-up']);
    assert.deepEqual(t.flows, [{ flow: 'handoff' }]);
    assert.deepEqual(t.templates, ['screening-matter', 'screening-matter-retry']);
    assert.deepEqual(t.keys, ['screening.matter.criminal', 'screening.matter.pay', 'screening.matter.other', 'choice.by-number']);
  });
});
