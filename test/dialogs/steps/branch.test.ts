import assert from 'node:assert/strict';
import { branch } from '../../../src/dialogs/steps/branch';
import { fakeContext, stepOf } from './fake-context';

const step = stepOf('branch', {
  id: 'decide',
  cases: [
    { when: { matter: 'criminal' }, next: 'criminal' },
    { when: { misses: { gte: 2 } }, next: 'offer-help' },
    { when: { district: '$set', hardship: ['hard', 'unsure'] }, next: 'likely' },
  ],
  else: 'unlikely',
});

describe('step kind: branch', () => {
  const go = async (slots: Record<string, string | number>, district?: string) => {
    const f = fakeContext({ slots, profile: district ? { district } : {} });
    const out = await branch.enter(step, f.ctx, { reprompt: false });
    assert.equal(f.sent.length, 0, 'a branch says nothing');
    return out;
  };

  it('takes the first case whose condition holds', async () => {
    assert.deepEqual(await go({ matter: 'criminal', misses: 3 }), { type: 'next', step: 'criminal' });
    assert.deepEqual(await go({ misses: 2 }), { type: 'next', step: 'offer-help' });
  });

  it('reads profile slots (district) and lists of accepted values', async () => {
    assert.deepEqual(await go({ hardship: 'unsure' }, '320312'), { type: 'next', step: 'likely' });
    assert.deepEqual(await go({ hardship: 'unsure' }), { type: 'next', step: 'unlikely' });
  });

  it('goes to else when no case holds', async () => {
    assert.deepEqual(await go({ misses: 1, hardship: 'not-hard' }, '320312'), { type: 'next', step: 'unlikely' });
  });

  it('refers to every case’s next and the else', () => {
    assert.deepEqual(branch.targets(step).steps, ['criminal', 'offer-help', 'likely', 'unlikely']);
  });
});
