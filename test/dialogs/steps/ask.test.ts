import assert from 'node:assert/strict';
import { ask, parsePhone } from '../../../src/dialogs/steps/ask';
import { fakeContext, stepOf } from './fake-context';

const district = (more: Record<string, unknown> = {}) =>
  stepOf('ask', { id: 'ask-district', prompt: 'ask-district', retry: 'ask-district-retry', slot: 'district', validate: 'district', optional: true, next: 'result', maxRetries: 1, onFail: 'result', ...more });

describe('step kind: ask', () => {
  it('asks with its prompt; a district question offers the districts and 跳过', async () => {
    const f = fakeContext();
    assert.deepEqual(await ask.enter(district(), f.ctx, { reprompt: false }), { type: 'wait' });
    assert.equal(f.sent[0]!.template, 'ask-district');
    assert.ok(f.sent[0]!.suggestions.includes('铜山区'));
    assert.equal(f.sent[0]!.suggestions.at(-1), '跳过');
  });

  it('a district named anywhere in the answer is remembered on the profile', async () => {
    const f = fakeContext();
    assert.deepEqual(await ask.input!(district(), f.ctx, '我在铜山这边'), { type: 'next', step: 'result' });
    assert.equal(f.profile.district, '320312');
  });

  it('optional: 跳过 leaves the slot empty and goes on', async () => {
    const f = fakeContext();
    assert.deepEqual(await ask.input!(district(), f.ctx, '跳过'), { type: 'next', step: 'result' });
    assert.equal(f.profile.district, undefined);
  });

  it('an answer that fails the check: the retry template, then onFail', async () => {
    const f = fakeContext();
    assert.deepEqual(await ask.input!(district(), f.ctx, '火星'), { type: 'wait' });
    assert.equal(f.sent.at(-1)!.template, 'ask-district-retry');
    assert.deepEqual(await ask.input!(district(), f.ctx, '火星'), { type: 'next', step: 'result' });
  });

  it('otherwise: question — a failed answer that asks something is a new question', async () => {
    const f = fakeContext();
    assert.deepEqual(await ask.input!(district({ otherwise: 'question' }), f.ctx, '他不肯赔怎么办？'), { type: 'question', text: '他不肯赔怎么办？' });
  });

  it('skipIf: the known answer skips the question', async () => {
    const f = fakeContext({ profile: { district: '320312' } });
    assert.deepEqual(await ask.enter(district({ skipIf: { district: '$set' } }), f.ctx, { reprompt: false }), { type: 'next', step: 'result' });
    assert.equal(f.sent.length, 0);
  });

  it('phone: a mobile or a landline with area code, in a canonical form', async () => {
    const step = stepOf('ask', { id: 'contact', prompt: 'handoff-contact', slot: 'contact', validate: 'phone', next: 'summary' });
    const f = fakeContext();
    assert.deepEqual(await ask.input!(step, f.ctx, '我的电话 138-1234-5678'), { type: 'next', step: 'summary' });
    assert.equal(f.state.slots['contact'], '13812345678');
    assert.equal(parsePhone('0516 83701234'), '0516-83701234');
    assert.equal(parsePhone('12345'), undefined);
  });

  it('text: cut to maxLength', async () => {
    const step = stepOf('ask', { id: 'summary', prompt: 'handoff-summary-ask', slot: 'summary', maxLength: 5, next: 'send' });
    const f = fakeContext();
    await ask.input!(step, f.ctx, '  老板拖欠工资三个月  ');
    assert.equal(f.state.slots['summary'], '老板拖欠工');
  });

  it('refers to next, onFail, its templates and the skip label when optional', () => {
    assert.deepEqual(ask.targets(district()), { steps: ['result', 'result'], flows: [], skippable: false, templates: ['ask-district', 'ask-district-retry'], keys: ['choice.skip'] });
  });
});
