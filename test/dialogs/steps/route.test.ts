import assert from 'node:assert/strict';
import { route } from '../../../src/dialogs/steps/route';
import { fakeContext, stepOf } from './fake-context';

describe('step kind: route', () => {
  it('tells the citizen where to go (the route’s hotline) with its template, then goes on', async () => {
    const f = fakeContext();
    const out = await route.enter(stepOf('route', { id: 'hotline', route: '12348', template: 'hotline', next: 'thanks' }), f.ctx, { reprompt: false });
    assert.deepEqual(out, { type: 'next', step: 'thanks' });
    assert.equal(f.sent[0]!.template, 'hotline');
    assert.match(f.sent[0]!.text, /12348/);
  });

  it('uses the route template when none is given, and ends without next', async () => {
    const f = fakeContext();
    assert.deepEqual(await route.enter(stepOf('route', { id: 'where', route: 'mediation' }), f.ctx, { reprompt: false }), { type: 'end' });
    assert.equal(f.sent[0]!.template, 'route');
    assert.match(f.sent[0]!.text, /人民调解委员会/);
  });

  it('"entry": the route of the entry in the entry slot', async () => {
    const f = fakeContext({ slots: { entry: 'labor-wage-arrears' } });
    await route.enter(stepOf('route', { id: 'where', route: 'entry' }), f.ctx, { reprompt: false });
    assert.match(f.sent[0]!.text, /12348/);
  });

  it('never names an unverified office’s address: the hotline instead', async () => {
    const f = fakeContext({ profile: { district: '320312' } });
    await route.enter(stepOf('route', { id: 'where', route: '12348', office: 'legal-aid-centre' }), f.ctx, { reprompt: false });
    assert.match(f.sent[0]!.text, /还在核实中/);
    assert.match(f.sent[0]!.text, /12348/);
  });
});
