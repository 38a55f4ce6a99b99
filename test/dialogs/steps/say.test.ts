import assert from 'node:assert/strict';
import { say } from '../../../src/dialogs/steps/say';
import { fakeContext, stepOf } from './fake-context';

describe('step kind: say', () => {
  it('shows its template and goes on to next', async () => {
    const f = fakeContext();
    const out = await say.enter(stepOf('say', { id: 'greet', template: 'welcome', next: 'menu' }), f.ctx, { reprompt: false });
    assert.deepEqual(out, { type: 'next', step: 'menu' });
    assert.equal(f.sent.length, 1);
    assert.equal(f.sent[0]!.template, 'welcome');
    assert.match(f.sent[0]!.text, /您好/);
    assert.deepEqual(f.sent[0]!.suggestions, []);
  });

  it('ends the flow when it has no next', async () => {
    const f = fakeContext();
    assert.deepEqual(await say.enter(stepOf('say', { id: 'bye', template: 'screening-bye' }), f.ctx, { reprompt: false }), { type: 'end' });
    assert.equal(f.sent[0]!.template, 'screening-bye');
  });

  it('refers to its template and next step', () => {
    assert.deepEqual(say.targets(stepOf('say', { id: 'greet', template: 'welcome', next: 'menu' })), { steps: ['menu'], flows: [], templates: ['welcome'], keys: [] });
  });
});
