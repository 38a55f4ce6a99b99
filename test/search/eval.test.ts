import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluate, readEvalHalves, readEvalSet } from '../../src/search/eval';
import { FIXTURES, searchEngine } from '../helpers';

// The product's floors on the development set (a copy of the evaluation file lives in fixtures).
describe('search quality on the development set', () => {
  const report = evaluate(searchEngine(), readEvalSet(join(FIXTURES, 'dev.yaml')));
  const misses = () => report.misses.map((m) => `${m.q} → ${m.got.join(',')} (want ${m.expected.join('|')}, confident ${m.confident})`).join('\n');

  it('puts the right topic first for at least 90 % of in-scope questions', () => {
    assert.ok(report.top1 >= 0.9, `top-1 ${report.top1}\n${misses()}`);
  });
  it('has the right topic in the top 3 for at least 97 %', () => {
    assert.ok(report.top3 >= 0.97, `top-3 ${report.top3}\n${misses()}`);
  });
  it('rejects at least 5 of the 6 out-of-scope questions', () => {
    assert.ok(report.outOfScopeRejected >= 5, JSON.stringify(report.leaks));
  });
  it('wrongly rejects at most 5 % of in-scope questions', () => {
    assert.ok(report.falseRejection <= 0.05, `false rejection ${report.falseRejection}\n${misses()}`);
  });
});

// Our own questions, written apart from the development set: tuning must generalise to them too.
describe('search quality on the team’s own question set', () => {
  const report = evaluate(searchEngine(), readEvalSet(join(FIXTURES, 'extra.yaml')));
  const misses = () => report.misses.map((m) => `${m.q} → ${m.got.join(',')} (want ${m.expected.join('|')})`).join('\n');

  it('keeps top-1 at 90 % and top-3 at 95 % or better', () => {
    assert.ok(report.top1 >= 0.9 && report.top3 >= 0.95, `top-1 ${report.top1} top-3 ${report.top3}\n${misses()}`);
  });
  it('rejects at least 90 % of chatter and wrongly rejects at most 10 % of real questions', () => {
    assert.ok(report.outOfScopeRejected >= 0.9 * report.outOfScope, JSON.stringify(report.leaks));
    assert.ok(report.falseRejection <= 0.1, `false rejection ${report.falseRejection}\n${misses()}`);
  });
});

// Sets written blind (from the topic list only, never the knowledge base). Floors are asserted on
// the tune halves only; the held-out halves are reported by `npm run kb -- eval` and never tuned on.
describe('search quality on citizens’ stories written blind (tune halves)', () => {
  const names = ['stories-a', 'stories-b', 'stories-c', 'stories-d', 'stories-e', 'stories-f', 'stories-i'];
  const halves = names.map((n) => readEvalHalves(join(FIXTURES, 'blind', `${n}.yaml`)).tune!);
  const set = { in_scope: halves.flatMap((h) => h.in_scope), out_of_scope: halves.flatMap((h) => h.out_of_scope), emergency: [] };
  const report = evaluate(searchEngine(), set);
  const misses = () => report.misses.map((m) => `${m.q} → ${m.got.join(',')} (want ${m.expected.join('|')}, confident ${m.confident})`).join('\n');

  it('has both halves of every blind story set, with stories for all 33 topics', () => {
    for (const n of names) {
      const h = readEvalHalves(join(FIXTURES, 'blind', `${n}.yaml`));
      assert.ok(h.tune && h.holdout && h.tune.in_scope.length >= 90 && h.holdout.in_scope.length >= 90, n);
    }
    assert.equal(new Set(set.in_scope.flatMap((q) => q.topic)).size, 33);
  });
  // Floors just under the tune halves of 2026-12-01 (843 stories with stories-i: top-1 95.4 %,
  // top-3 98.8 %, confident 95.8 %, confident and right 92.5 %).
  it('puts the right topic first for at least 94 % and in the top 3 for at least 98 %', () => {
    assert.ok(report.top1 >= 0.94, `top-1 ${report.top1}\n${misses()}`);
    assert.ok(report.top3 >= 0.98, `top-3 ${report.top3}\n${misses()}`);
  });
  it('answers at least 95 % of the stories confidently, and at least 92 % confidently and right', () => {
    assert.ok(1 - report.falseRejection >= 0.95, `confident ${1 - report.falseRejection}\n${misses()}`);
    assert.ok(report.confidentRight >= 0.92, `confident and right ${report.confidentRight}`);
  });
  it('is never sure of a question outside what the knowledge base covers', () => {
    assert.ok(report.outOfScopeRejected >= 0.95 * report.outOfScope, JSON.stringify(report.leaks));
  });
});

// Legal questions about harm that is over, told in the same words as emergencies ("去年被人打伤了
// 能起诉吗"): search must find their answer (whether they raise the alarm is the detector's part).
describe('search quality on past-harm legal questions written blind (tune halves)', () => {
  const halves = ['danger-a', 'danger-b', 'danger-d', 'danger-e', 'danger-f', 'danger-g', 'danger-h', 'danger-i', 'danger-k'].map((n) => readEvalHalves(join(FIXTURES, 'blind', `${n}.yaml`)).tune!);
  const report = evaluate(searchEngine(), { in_scope: halves.flatMap((h) => h.in_scope), out_of_scope: [], emergency: [] });

  it('has 400 or more of them across the danger sets', () => {
    assert.ok(report.inScope >= 400, String(report.inScope));
  });
  // Floors just under the tune halves of 2026-12-01 (474 questions with danger-k: top-1 82.7 %, top-3 92.6 %).
  it('puts the right topic first for at least 82 % and in the top 3 for at least 91 %', () => {
    assert.ok(report.top1 >= 0.82, `top-1 ${report.top1}`);
    assert.ok(report.top3 >= 0.91, `top-3 ${report.top3}`);
  });
});
