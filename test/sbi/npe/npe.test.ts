// Neural posterior estimation against analytic posteriors (the acceptance test: C2ST at
// most 0.6 on a linear-Gaussian simulator), box priors, saving and amortized sampling.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainNPE } from '../../../src/sbi/npe/trainNPE.js';
import { NPEPosterior } from '../../../src/sbi/npe/posterior.js';
import { c2st } from '../../../src/sbi/diagnostics/c2st.js';
import { deserializeModule, serializeModule } from '../../../src/io/format.js';
import { Random } from '../../../src/random.js';

// theta ~ N(0, I_2), x = theta + 0.5 eps: the posterior is N(0.8 x, 0.2 I).
const NOISE = 0.5;
const SHRINK = 1 / (1 + NOISE ** 2);
function linearGaussian(n: number, seed: number) {
  const r = new Random(seed);
  const thetas: number[][] = [];
  const xs: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = [r.normal(), r.normal()];
    thetas.push(t);
    xs.push(t.map((v) => v + NOISE * r.normal()));
  }
  return { thetas, xs };
}

describe('neural posterior estimation', () => {
  test('linear-Gaussian simulator: C2ST against the analytic posterior at most 0.6', () => {
    const { thetas, xs } = linearGaussian(4000, 1);
    const { posterior, history } = trainNPE({ thetas, xs, seed: 2, density: 'nsf', flow: { hidden: [32, 32], transforms: 3 }, maxEpochs: 60, learningRate: 1e-3 });
    expect(history.bestEpoch).toBeGreaterThan(1);
    const r = new Random(3);
    for (const xo of [[0.5, -1], [1.5, 1.2]]) {
      const npe = tf.tidy(() => posterior.sample(tf.tensor2d([xo]), 1000, 4).reshape([1000, 2]).arraySync() as number[][]);
      const sd = Math.sqrt(SHRINK * NOISE ** 2);
      const exact = Array.from({ length: 1000 }, () => xo.map((v) => SHRINK * v + sd * r.normal()));
      const result = c2st(npe, exact, { seed: 5 });
      expect(result.accuracy, `C2ST at xo = ${xo}`).toBeLessThanOrEqual(0.6);
    }
    posterior.dispose();
  });

  test('box prior: samples stay inside, log density is -Infinity outside, saving reproduces it', () => {
    const r = new Random(6);
    const n = 1500;
    const thetas = Array.from({ length: n }, () => [4 * r.uniform() - 2, r.uniform()]);
    const xs = thetas.map(([a, b]) => [a + 0.3 * r.normal(), b + 0.1 * r.normal(), a * b]);
    const bounds = { low: [-2, 0], high: [2, 1] };
    const { posterior } = trainNPE({ thetas, xs, bounds, seed: 7, density: 'maf', flow: { hidden: [16], transforms: 2 }, maxEpochs: 5 });
    const xo = tf.tensor2d([[1.9, 0.95, 1.8], [-1.9, 0.02, -0.04]]);
    const draws = posterior.sample(xo, 3000, 8);
    const flat = draws.dataSync();
    for (let i = 0; i < flat.length; i += 2) {
      expect(flat[i]).toBeGreaterThan(-2);
      expect(flat[i]).toBeLessThan(2);
      expect(flat[i + 1]).toBeGreaterThan(0);
      expect(flat[i + 1]).toBeLessThan(1);
    }
    const theta = tf.tensor2d([[0.5, 0.5], [2.5, 0.5], [0.1, -0.1], [1.0, 0.2]]);
    const lp = posterior.logProb(theta, xo.slice([0, 0], [1, -1]) as tf.Tensor2D).arraySync();
    expect(lp[1]).toBe(-Infinity);
    expect(lp[2]).toBe(-Infinity);
    expect(Number.isFinite(lp[0]) && Number.isFinite(lp[3])).toBe(true);

    const { json, weights } = serializeModule(posterior);
    const copy = deserializeModule<NPEPosterior>(JSON.parse(JSON.stringify(json)), weights);
    expect(copy).toBeInstanceOf(NPEPosterior);
    const lp2 = copy.logProb(theta, xo.slice([0, 0], [1, -1]) as tf.Tensor2D).arraySync();
    expect(lp2).toEqual(lp);
    tf.dispose([xo, draws, theta]);
    posterior.dispose();
    copy.dispose();
  });

  test('amortized: one call samples many observations with the documented shape; bad input is rejected', () => {
    const { thetas, xs } = linearGaussian(300, 9);
    const { posterior } = trainNPE({ thetas, xs, seed: 10, density: 'maf', flow: { hidden: [8], transforms: 1 }, maxEpochs: 1 });
    const xo = tf.randomNormal([50, 2], 0, 1, 'float32', 11) as tf.Tensor2D;
    const draws = posterior.sample(xo, 7, 12);
    expect(draws.shape).toEqual([50, 7, 2]);
    const means = posterior.mean(xo, 20, 13);
    expect(means.shape).toEqual([50, 2]);
    expect(() => posterior.sample(tf.zeros([2, 3]) as tf.Tensor2D, 5)).toThrow(/NPEPosterior.sample: xo must have shape \[batch, 2\]; received \[2, 3\]/);
    expect(() => posterior.logProb(tf.zeros([4, 2]) as tf.Tensor2D, tf.zeros([3, 2]) as tf.Tensor2D)).toThrow(/xo must have 1 row, one per theta row \(4\), or a number of rows that divides 4.*received 3/);
    expect(() => trainNPE({ thetas: [[0, 0]], xs: [[0, 0], [1, 1]] })).toThrow(/same number of rows; received 1 and 2/);
    expect(() => trainNPE({ thetas: [[3, 0]], xs: [[0, 0]], bounds: { low: [-2, -2], high: [2, 2] } })).toThrow(/thetas column 0 must lie inside \(-2, 2\)/);
    // Regression: a theta exactly on a bound was accepted although the doc called it an error.
    expect(() => trainNPE({ thetas: [[0, 2]], xs: [[0, 0]], bounds: { low: [-2, -2], high: [2, 2] } })).toThrow(/thetas column 1 must lie inside \(-2, 2\) .*received 2 in row 0/);
    tf.dispose([xo, draws, means]);
    posterior.dispose();
  });

  test('bounds far from 0 relative to their width: values that float32 rounds onto a bound move inside (regression: "shift must be finite")', () => {
    // Width 0.01 at 1000: float32's spacing there is 6.1e-5, so the old margin (1e-8) rounded back onto the bound.
    const lo = 1000;
    const hi = 1000.01;
    const n = 200;
    const thetas = Array.from({ length: n }, (_, i) => [i === 0 ? lo + 1e-9 : i === 1 ? hi - 1e-9 : lo + ((i + 0.5) / n) * (hi - lo)]);
    const xs = thetas.map(([t], i) => [(t - lo) * 100 + 0.1 * Math.sin(i)]);
    const { posterior } = trainNPE({ thetas, xs, bounds: { low: [lo], high: [hi] }, seed: 3, density: 'maf', flow: { hidden: [8], transforms: 1 }, maxEpochs: 2 });
    const lp = posterior.logProb([[lo + 0.005]], [[0.5]]);
    expect(Number.isFinite(lp.dataSync()[0])).toBe(true);
    const draws = posterior.sample([[0.5]], 100, 4).dataSync();
    for (const v of draws) expect(v >= lo && v <= hi).toBe(true);
    tf.dispose(lp);
    posterior.dispose();
  });
});
