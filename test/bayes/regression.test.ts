// The exact references: for both conjugate regressions, log p(y, w) - log p(y) must be the log
// density of the closed-form posterior at any point, and the unknown-noise evidence must be the
// known-noise evidence integrated over the inverse-gamma prior of sigma^2.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { BayesianLinearRegression } from '../../src/bayes/linearRegression.js';
import { NormalInverseGammaRegression } from '../../src/bayes/normalInverseGamma.js';
import { inverseSpd, logDetSpd } from '../../src/bayes/gaussian.js';
import { logGamma } from '../../src/sbi/diagnostics/statistics.js';
import { Random } from '../../src/random.js';

const r = new Random(4);
const x = Array.from({ length: 25 }, () => [1, r.normal(), r.normal()]);
const y = x.map((row) => 0.3 + row[1] - 0.5 * row[2] + 0.4 * r.normal());
const points = [[0.3, 1, -0.5], [0, 0, 0], [1, -1, 2]];

function gaussianLogDensity(w: number[], m: number[], S: number[][]): number {
  const P = inverseSpd(S);
  const d = w.map((v, i) => v - m[i]);
  const quad = d.reduce((s, di, i) => s + di * d.reduce((t, dj, j) => t + P[i][j] * dj, 0), 0);
  return -0.5 * (quad + logDetSpd(S) + w.length * Math.log(2 * Math.PI));
}

describe('conjugate regressions', () => {
  test('known noise: log joint - evidence is the Gaussian posterior density', () => {
    const blr = new BayesianLinearRegression({ x, y, noiseSd: 0.4, priorSd: [1, 2, 3], priorMean: [0.1, 0, 0] });
    const lj = tf.tidy(() => Array.from(blr.logJoint()(tf.tensor2d(points)).dataSync()));
    points.forEach((w, k) => expect(lj[k] - blr.logEvidence()).toBeCloseTo(gaussianLogDensity(w, blr.posteriorMean, blr.posteriorCovariance), 3));
    const pred = blr.predictive([[1, 0, 0]]);
    expect(pred.sd[0]).toBeGreaterThan(0.4);
    expect(pred.mean[0]).toBeCloseTo(blr.posteriorMean[0], 12);
    blr.dispose();
  });

  test('unknown noise: log joint - evidence is the normal-inverse-gamma posterior density', () => {
    const nig = new NormalInverseGammaRegression({ x, y, a0: 3, b0: 0.5, priorScale: 2 });
    const thetas = points.map((w, k) => [...w, Math.log(0.1 + 0.1 * k)]);
    const lj = tf.tidy(() => Array.from(nig.logJoint()(tf.tensor2d(thetas)).dataSync()));
    thetas.forEach((theta, k) => {
      const s = theta[3];
      const v = Math.exp(s);
      const logIG = nig.a * Math.log(nig.b) - logGamma(nig.a) - (nig.a + 1) * s - nig.b / v;
      const expected = gaussianLogDensity(theta.slice(0, 3), nig.mean, nig.V.map((row) => row.map((u) => v * u))) + logIG + s;
      expect(lj[k] - nig.logEvidence()).toBeCloseTo(expected, 3);
    });
    nig.dispose();
  });

  test('unknown noise: the evidence is the known-noise evidence averaged over the prior of sigma^2', () => {
    const [a0, b0, scale] = [3, 0.5, 2];
    const nig = new NormalInverseGammaRegression({ x, y, a0, b0, priorScale: scale });
    // Quadrature over s = log sigma^2 of p(y | sigma^2) IG(sigma^2) sigma^2 on a fine grid.
    const logTerms: number[] = [];
    const h = 0.01;
    for (let s = -8; s <= 4; s += h) {
      const sd = Math.exp(s / 2);
      const blr = new BayesianLinearRegression({ x, y, noiseSd: sd, priorSd: scale * sd });
      logTerms.push(blr.logEvidence() + a0 * Math.log(b0) - logGamma(a0) - a0 * s - b0 / Math.exp(s) + Math.log(h));
    }
    const max = Math.max(...logTerms);
    const quadrature = max + Math.log(logTerms.reduce((acc, t) => acc + Math.exp(t - max), 0));
    expect(nig.logEvidence()).toBeCloseTo(quadrature, 4);
    const noise = nig.noiseVariance();
    expect(noise.mean).toBeCloseTo(nig.b / (nig.a - 1), 12);
  });
});
