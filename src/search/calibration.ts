/**
 * The confidence verdict as a measured model, not hand-set thresholds: a logistic regression over a
 * few scale-free features of the best hit (similarity to its closest question, coverage, how much of
 * the question its topic knows, margins over the next topic …) estimating the probability that the
 * top topic is right. It is fitted by `npm run kb -- calibrate` on the tuning halves of the labelled
 * sets (in-scope questions: right topic first = 1, wrong = 0; out-of-scope questions: 0) and stored
 * in calibration.json beside this file with the threshold chosen on the same data and the table of
 * confidence against correctness it was chosen from.
 *
 * Contract: probability() is pure and total; fitCalibration() is deterministic for the same samples.
 */
import stored from './calibration.json';

export const FEATURES = ['similarity', 'coverage', 'topicCover', 'topicMargin', 'scoreMargin', 'topicShare', 'known', 'length'] as const;
export type FeatureName = (typeof FEATURES)[number];
export type VerdictFeatures = Record<FeatureName, number>;

export interface Calibration {
  weights: Record<FeatureName, number>;
  bias: number;
  /** At or above this probability the bot acts on the top topic. */
  threshold: number;
}

export interface CalibrationFile extends Calibration {
  fittedOn: string[];
  fittedAt: string;
  /** Probability bands on the fitting data: how many questions fell in each and how many were right. */
  table: { from: number; to: number; n: number; right: number }[];
}

export const CALIBRATION: Calibration = stored as CalibrationFile;

export function probability(c: Calibration, f: VerdictFeatures): number {
  let z = c.bias;
  for (const name of FEATURES) z += c.weights[name] * (Number.isFinite(f[name]) ? f[name] : 0);
  return 1 / (1 + Math.exp(-z));
}

export interface Sample {
  features: VerdictFeatures;
  /** The top topic is an acceptable one (always false for an out-of-scope question). */
  right: boolean;
  outOfScope: boolean;
  /**
   * The best hit resembles the question, so the bot may act on it; for the others no probability
   * makes it act, and counting them would choose the threshold for answers it never gives.
   */
  actable: boolean;
}

/** Logistic regression by batch gradient descent with a little L2 (few samples, few features). */
export function fitCalibration(samples: Sample[], { iterations = 4000, rate = 0.5, l2 = 0.002 } = {}): Omit<Calibration, 'threshold'> {
  const w = Object.fromEntries(FEATURES.map((n) => [n, 0])) as Record<FeatureName, number>;
  let b = 0;
  const n = samples.length || 1;
  for (let it = 0; it < iterations; it++) {
    const gw = Object.fromEntries(FEATURES.map((k) => [k, 0])) as Record<FeatureName, number>;
    let gb = 0;
    for (const s of samples) {
      const err = probability({ weights: w, bias: b, threshold: 0 }, s.features) - (s.right ? 1 : 0);
      for (const k of FEATURES) gw[k] += err * s.features[k];
      gb += err;
    }
    for (const k of FEATURES) w[k] -= rate * (gw[k] / n + l2 * w[k]);
    b -= rate * (gb / n);
  }
  return { weights: w, bias: b };
}

/**
 * The lowest threshold at which out-of-scope questions accepted stay within `maxLeak` of them and
 * wrong answers within `maxWrong` of the in-scope questions acted on: act as often as is safe.
 * Only actable samples can be acted on, as in rank().
 */
export function chooseThreshold(model: Omit<Calibration, 'threshold'>, samples: Sample[], { maxLeak = 0.04, maxWrong = 0.06 } = {}): number {
  const scored = samples.map((s) => ({ ...s, p: probability({ ...model, threshold: 0 }, s.features) }));
  const oos = scored.filter((s) => s.outOfScope).length || 1;
  for (let t = 0.05; t < 0.99; t += 0.01) {
    const acted = scored.filter((s) => s.actable && s.p >= t);
    const leaks = acted.filter((s) => s.outOfScope).length;
    const inScope = acted.filter((s) => !s.outOfScope);
    const wrong = inScope.filter((s) => !s.right).length;
    if (leaks / oos <= maxLeak && wrong <= maxWrong * (inScope.length || 1)) return Math.round(t * 100) / 100;
  }
  return 0.99;
}

/** Confidence against correctness in bands of 0.1 (the table the threshold is read from). */
export function calibrationTable(model: Omit<Calibration, 'threshold'>, samples: Sample[]): CalibrationFile['table'] {
  const table: CalibrationFile['table'] = [];
  for (let i = 0; i < 10; i++) {
    const from = i / 10;
    const to = (i + 1) / 10;
    const inBand = samples.filter((s) => {
      const p = probability({ ...model, threshold: 0 }, s.features);
      return p >= from && (p < to || (i === 9 && p <= 1));
    });
    table.push({ from, to, n: inBand.length, right: inBand.filter((s) => s.right).length });
  }
  return table;
}
