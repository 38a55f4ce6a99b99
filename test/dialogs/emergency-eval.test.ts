/**
 * The emergency detector measured on the TUNE halves of the blind danger sets (written by people
 * who never saw the lexicon), on our own regression set, and on ordinary questions and stories that
 * must never get the alarm. The held-out halves are measured (bench/emergency.bench.ts, `kb eval`)
 * but never asserted on here: tuning against them would make them worthless.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type EmergencySet, evaluateEmergency, formatEmergencyReport, readEmergencySet } from '../../src/dialogs/emergency-eval';
import { analyzerFor } from '../../src/search/engine';
import { FIXTURES, knowledge } from '../helpers';
import { emergencyRules } from './lexicon';

const BLIND = ['danger-a.yaml', 'danger-b.yaml', 'danger-d.yaml', 'danger-e.yaml', 'danger-f.yaml', 'danger-g.yaml', 'danger-h.yaml', 'danger-i.yaml', 'danger-k.yaml', 'danger-l.yaml'].map((f) => join(FIXTURES, 'blind', f)).filter((p) => existsSync(p));
const describeReport = (name: string, set: EmergencySet) => formatEmergencyReport(name, evaluateEmergency(emergencyRules(), set));
const misses = (set: EmergencySet, kind: string) =>
  evaluateEmergency(emergencyRules(), set)
    .misses.filter((m) => m.kind === kind)
    .map((m) => `${m.category ?? ''} ${m.q} ${m.matched.join(' ')}`);

/**
 * Past-harm questions that get the one-line 110 caution before their answer (allowed, but noise on a
 * plain past legal question): ceilings just above the tune halves' counts of 2026-12-01
 * (danger-a 10/55, danger-b 2/55, danger-d 18/70; danger-d was 31/70 before the clause-scoped framing;
 * danger-e 14/84, danger-f 8/49, danger-g 9/42, danger-h 10/42, danger-i 6/42, second session of 2026-12-01;
 * after the third session (brought-round, night-then): danger-a 10/55, danger-b 2/55, danger-g 8/42, danger-h 9/42,
 * danger-k 0/35 (6/35 before its tune half was tuned on); danger-l 10/35 (9/35 and one alarmed before its tune half
 * was tuned on: the alarm became a caution). danger-j is measured only (neither half tuned on).
 */
const MAX_CAUTIONED: Record<string, number> = { 'danger-a.yaml': 11, 'danger-b.yaml': 3, 'danger-d.yaml': 20, 'danger-e.yaml': 15, 'danger-f.yaml': 9, 'danger-g.yaml': 9, 'danger-h.yaml': 10, 'danger-i.yaml': 7, 'danger-k.yaml': 1, 'danger-l.yaml': 11 };

describe('emergency detection on evaluation sets (tune halves)', () => {
  // Segment as production does: with the search dictionary of the shipped knowledge base.
  before(() => analyzerFor(knowledge()));

  it('has blind danger sets to measure', () => assert.ok(BLIND.length >= 1));

  for (const path of BLIND) {
    const name = path.split('/').pop()!;
    const { tune } = readEmergencySet(path);
    it(`${name}: every emergency gets 110 in the first reply (${tune.emergency.length} questions)`, () => {
      assert.deepEqual(misses(tune, 'missed'), [], describeReport(name, tune));
    });
    it(`${name}: at most 2 % of past-harm questions get the alarm instead of their answer`, () => {
      const r = evaluateEmergency(emergencyRules(), tune);
      assert.ok(r.pastHarm > 0);
      assert.ok(r.pastHarmAlarmed <= Math.floor(r.pastHarm * 0.02), `${misses(tune, 'alarmed').join('\n')}\n${describeReport(name, tune)}`);
    });
    it(`${name}: past-harm questions told as past rarely get even the caution line`, () => {
      const r = evaluateEmergency(emergencyRules(), tune);
      assert.ok(r.pastHarmCautioned <= (MAX_CAUTIONED[name] ?? r.pastHarm), `${misses(tune, 'cautioned').join('\n')}\n${describeReport(name, tune)}`);
    });
  }

  it('our own regression set: every emergency caught, no past-harm question alarmed', () => {
    const { tune } = readEmergencySet(join(FIXTURES, 'emergency-own.yaml'));
    assert.deepEqual(misses(tune, 'missed'), []);
    assert.deepEqual(misses(tune, 'alarmed'), []);
  });

  it('no in-scope question (dev, extra) and no in-scope story (blind stories, tune) gets the alarm', () => {
    const set: EmergencySet = { emergency: [], past_harm: [], in_scope: [] };
    for (const f of ['dev.yaml', 'extra.yaml']) set.in_scope.push(...(parse(readFileSync(join(FIXTURES, f), 'utf8')) as { in_scope: { q: string }[] }).in_scope);
    for (const f of ['stories-a.yaml', 'stories-b.yaml', 'stories-d.yaml']) {
      const p = join(FIXTURES, 'blind', f);
      if (existsSync(p)) set.in_scope.push(...(parse(readFileSync(p, 'utf8')) as { tune: { in_scope: { q: string }[] } }).tune.in_scope);
    }
    assert.ok(set.in_scope.length >= 90);
    assert.deepEqual(misses(set, 'alarmed'), []);
  });

  // stories-c, stories-e and stories-f each hold one in-scope story that is an emergency in all but its label
  // (he is still smashing things, she and the child are locked in; the door is about to give): the
  // alarm is right there, and only there.
  for (const name of ['stories-c.yaml', 'stories-e.yaml', 'stories-f.yaml']) {
    it(`${name} (tune): at most the one story that tells danger happening now gets the alarm`, () => {
      const p = join(FIXTURES, 'blind', name);
      const set: EmergencySet = { emergency: [], past_harm: [], in_scope: (parse(readFileSync(p, 'utf8')) as { tune: { in_scope: { q: string }[] } }).tune.in_scope };
      assert.ok(misses(set, 'alarmed').length <= 1, misses(set, 'alarmed').join('\n'));
    });
  }

  it('the dev set emergencies are caught', () => {
    const dev = parse(readFileSync(join(FIXTURES, 'dev.yaml'), 'utf8')) as { emergency: string[] };
    const set: EmergencySet = { emergency: dev.emergency.map((q) => ({ q, category: 'dev' })), past_harm: [], in_scope: [] };
    assert.deepEqual(misses(set, 'missed'), []);
  });

  it('counts per category and sorts misses by kind (the report the kb command prints)', () => {
    const r = evaluateEmergency(emergencyRules(), {
      emergency: [
        { q: '救命', category: 'violence' },
        { q: '今天天气不错', category: 'violence' },
      ],
      past_harm: [{ q: '去年被人打伤了能起诉吗' }, { q: '他正在打我' }],
      in_scope: [{ q: '老板欠工资不给' }],
    });
    assert.deepEqual(r.byCategory.violence, { total: 2, caught: 1 });
    assert.equal(r.caught, 1);
    assert.equal(r.pastHarmAlarmed, 1);
    assert.equal(r.inScopeAlarmed, 0);
    assert.deepEqual(
      r.misses.map((m) => m.kind),
      ['missed', 'alarmed'],
    );
    assert.match(formatEmergencyReport('x', r), /emergencies caught \(110 first\): 1\/2/);
  });
});
