import assert from 'node:assert/strict';
import { goto } from '../../../src/dialogs/steps/goto';
import { fakeContext, stepOf } from './fake-context';

describe('step kind: goto', () => {
  it('continues at another flow’s first step, or at "flow#step", saying nothing', async () => {
    const f = fakeContext();
    assert.deepEqual(await goto.enter(stepOf('goto', { id: 'go', flow: 'handoff' }), f.ctx, { reprompt: false }), { type: 'goto', flow: 'handoff' });
    assert.deepEqual(await goto.enter(stepOf('goto', { id: 'go', flow: 'answer#show' }), f.ctx, { reprompt: false }), { type: 'goto', flow: 'answer', step: 'show' });
    assert.equal(f.sent.length, 0);
  });

  it('refers to the flow it continues in', () => {
    assert.deepEqual(goto.targets(stepOf('goto', { id: 'go', flow: 'answer#show' })).flows, [{ flow: 'answer', step: 'show' }]);
  });

  it('the schema refuses a malformed reference', () => {
    assert.throws(() => stepOf('goto', { id: 'go', flow: 'answer#' }), /flow#step/);
  });
});
