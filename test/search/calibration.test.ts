import assert from 'node:assert/strict';
import { type Calibration, FEATURES, type Sample, type VerdictFeatures, chooseThreshold, fitCalibration, probability } from '../../src/search/calibration';

const features = (similarity: number): VerdictFeatures =>
  Object.fromEntries(FEATURES.map((f) => [f, f === 'similarity' ? similarity : 0])) as VerdictFeatures;
const sample = (similarity: number, right: boolean, extra: Partial<Sample> = {}): Sample => ({
  features: features(similarity),
  right,
  outOfScope: false,
  actable: true,
  ...extra,
});

describe('probability', () => {
  it('is the logistic of the weighted features and treats a non-finite feature as 0', () => {
    const c: Calibration = { weights: { ...features(0), similarity: 2 }, bias: -1, threshold: 0.5 };
    assert.equal(probability(c, features(0.5)), 0.5);
    assert.equal(probability(c, features(Number.NaN)), 1 / (1 + Math.exp(1)));
  });
});

describe('fitCalibration', () => {
  it('learns that higher similarity means right more often', () => {
    const samples = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9].map((s) => sample(s, s > 0.5));
    const m = fitCalibration(samples);
    assert.ok(m.weights.similarity > 0, JSON.stringify(m));
    assert.ok(probability({ ...m, threshold: 0 }, features(0.9)) > probability({ ...m, threshold: 0 }, features(0.1)));
  });
});

describe('chooseThreshold', () => {
  const model = { weights: { ...features(0), similarity: 10 }, bias: -5 };

  it('is the lowest threshold at which no more out-of-scope questions are accepted than allowed', () => {
    const samples = [sample(0.9, true), sample(0.8, true), sample(0.6, false, { outOfScope: true })];
    const t = chooseThreshold(model, samples, { maxLeak: 0, maxWrong: 0 });
    assert.ok(t > probability({ ...model, threshold: 0 }, features(0.6)), `threshold ${t}`);
    assert.ok(t <= probability({ ...model, threshold: 0 }, features(0.8)), `threshold ${t}`);
  });

  it('ignores questions the bot can never act on (their best hit resembles nothing of them)', () => {
    const leakThatCannotAct = sample(0.6, false, { outOfScope: true, actable: false });
    const t = chooseThreshold(model, [sample(0.9, true), sample(0.55, true), leakThatCannotAct], { maxLeak: 0, maxWrong: 0 });
    assert.ok(t <= probability({ ...model, threshold: 0 }, features(0.55)), `threshold ${t}`);
  });
});
