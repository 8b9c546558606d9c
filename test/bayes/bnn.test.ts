// The Bayesian MLP: its forward pass against a plain host loop, its log joint against the
// formulas, the minibatched log joint's expectation, MAP's escape from the linear saddle, and the
// predictive scores.
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { BayesianMLP } from '../../src/bayes/bnn.js';
import { accuracy, bernoulliLogLikelihood, calibration, meanBernoulliKL } from '../../src/bayes/predictiveMetrics.js';
import { twoMoons } from '../../src/data/toy2d.js';

const x = twoMoons(24, 1, 0.2);
const y = x.map((_, i) => i % 2);

function hostForward(w: number[], widths: number[], xi: number[]): number {
  let h = xi;
  let off = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const [a, b] = [widths[l], widths[l + 1]];
    const z = Array.from({ length: b }, (_, k) => {
      let v = w[off + a * b + k];
      for (let i = 0; i < a; i++) v += h[i] * w[off + i * b + k];
      return v;
    });
    off += a * b + b;
    h = l + 2 < widths.length ? z.map(Math.tanh) : z;
  }
  return h[0];
}

describe('BayesianMLP', () => {
  const models: BayesianMLP[] = [];
  afterAll(() => models.forEach((m) => m.dispose()));

  test.each([[[5]], [[4, 3]], [[]]])('forward and log joint match the formulas (hidden %j)', (hidden) => {
    const m = new BayesianMLP({ x, y, hidden });
    models.push(m);
    const widths = [2, ...hidden, 1];
    expect(m.dim).toBe(widths.slice(1).reduce((n, b, l) => n + widths[l] * b + b, 0));
    const w = m.samplePrior(hidden.length === 1 ? 300 : 3, 2);
    const [out, lj] = tf.tidy(() => [m.forward(tf.tensor2d(w), tf.tensor2d(x)).arraySync(), Array.from(m.logJoint()(tf.tensor2d(w)).dataSync())]);
    w.forEach((wv, s) => {
      let logLik = 0;
      x.forEach((xi, j) => {
        const z = hostForward(wv, widths, xi);
        expect(out[s][j]).toBeCloseTo(z, 4);
        logLik += y[j] * z - Math.log1p(Math.exp(z));
      });
      const logPrior = wv.reduce((acc, v, i) => acc - 0.5 * (v / m.priorSd[i]) ** 2 - Math.log(m.priorSd[i]) - 0.5 * Math.log(2 * Math.PI), 0);
      expect(lj[s]).toBeCloseTo(logLik + logPrior, 2);
    });
  });

  test('the minibatched log joint is unbiased for the full one', () => {
    const m = new BayesianMLP({ x, y, hidden: [3] });
    models.push(m);
    const w = tf.tensor2d(m.samplePrior(2, 5));
    const full = m.logJoint()(w).dataSync();
    const mini = m.minibatchLogJoint(6, 7);
    const mean = [0, 0];
    const draws = 400;
    for (let k = 0; k < draws; k++) {
      const v = mini(w).dataSync();
      mean[0] += v[0] / draws;
      mean[1] += v[1] / draws;
    }
    w.dispose();
    expect(Math.abs(mean[0] - full[0]) / Math.abs(full[0])).toBeLessThan(0.03);
    expect(Math.abs(mean[1] - full[1]) / Math.abs(full[1])).toBeLessThan(0.03);
    expect(() => m.minibatchLogJoint(100)).toThrow(/BayesianMLP.minibatchLogJoint: batchSize must be an integer in \[1, 24\]; received 100/);
  });

  test('MAP leaves the near-linear saddle that small initial weights fall into', () => {
    // Two moons need a curved boundary: a nearly linear network (all tanh units in their linear
    // range, where Adam from a prior draw shrunk by 0.1 used to stop) scores 0.87-0.89 here.
    const train = twoMoons(200, 22, 0.2);
    const test = twoMoons(1000, 23, 0.2);
    const label = (points: number[][]) => points.map((_, i) => i % 2);
    const m = new BayesianMLP({ x: train, y: label(train), hidden: [10] });
    models.push(m);
    const w = m.fitMap({ steps: 600, learningRate: 0.03, seed: 1 });
    expect(accuracy(m.predict([w], train).mean, label(train))).toBeGreaterThan(0.92);
    expect(accuracy(m.predict([w], test).mean, label(test))).toBeGreaterThan(0.92);
    expect(() => m.fitMap({ restarts: 0 })).toThrow(/BayesianMLP.fitMap: restarts must be a positive integer; received 0/);
  });

  test('predictive scores', () => {
    expect(accuracy([0.9, 0.2, 0.6], [1, 0, 0])).toBeCloseTo(2 / 3);
    expect(bernoulliLogLikelihood([0.5, 0.5], [1, 0])).toBeCloseTo(Math.log(0.5));
    const cal = calibration([0.05, 0.15, 0.95, 0.95], [0, 0, 1, 0]);
    expect(cal.ece).toBeCloseTo((0.05 + 0.15 + 2 * 0.45) / 4);
    expect(meanBernoulliKL([0.3, 0.7], [0.3, 0.7])).toBeCloseTo(0, 12);
    expect(meanBernoulliKL([0.5], [0.25])).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(0.5 / 0.75));
  });
});
