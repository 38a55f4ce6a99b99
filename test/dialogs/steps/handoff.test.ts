import assert from 'node:assert/strict';
import { handoff } from '../../../src/dialogs/steps/handoff';
import { fakeContext, stepOf } from './fake-context';

const step = stepOf('handoff', { id: 'send', next: 'done' });

describe('step kind: handoff', () => {
  it('emits one handoff with the district, call-back number, question, the choice answers in Chinese and a summary', async () => {
    const f = fakeContext({ profile: { district: '320312' }, slots: { contact: '13812345678', question: '老板拖欠我三个月工资' }, locale: 'en' });
    f.state.labels['matter'] = 'screening.matter.pay';
    assert.deepEqual(await handoff.enter(step, f.ctx, { reprompt: false }), { type: 'next', step: 'done' });
    const [e] = f.handoff.events;
    assert.ok(e);
    assert.equal(f.handoff.events.length, 1);
    assert.deepEqual(e.district, { code: '320312', name: '铜山区' });
    assert.equal(e.contact, '13812345678');
    assert.equal(e.lastQuestion, '老板拖欠我三个月工资');
    assert.deepEqual(e.answers, { matter: '讨要工资、确认劳动关系' });
    assert.equal(e.locale, 'en');
    assert.equal(e.channelId, 'test');
    assert.ok(e.summary.length > 0 && !/\n/.test(e.summary), 'a one-line summary from handoff-summary');
    assert.equal(f.sent.length, 0, 'the flow, not the step, tells the citizen it was passed on');
  });

  it('the citizen’s own one-line summary is used as given', async () => {
    const f = fakeContext({ slots: { summary: '工地老板跑了，欠我两万' } });
    await handoff.enter(step, f.ctx, { reprompt: false });
    assert.equal(f.handoff.events[0]!.summary, '工地老板跑了，欠我两万');
  });

  it('when delivery fails: says so and gives 12348 (never a pretend confirmation), and ends', async () => {
    const f = fakeContext({ handoffFails: true });
    assert.deepEqual(await handoff.enter(step, f.ctx, { reprompt: false }), { type: 'end' });
    assert.equal(f.sent[0]!.template, 'handoff-failed');
    assert.match(f.sent[0]!.text, /12348/);
  });

  it('refers to next and the two templates it renders', () => {
    assert.deepEqual(handoff.targets(step), { steps: ['done'], flows: [], templates: ['handoff-summary', 'handoff-failed'], keys: [] });
  });
});
