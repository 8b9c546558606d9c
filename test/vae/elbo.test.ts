import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { exactElbo, exactLogPx, linearGaussianVAE, sampleData, D } from './linearGaussian.js';
import { evaluateVAE } from '../../src/vae/evaluate.js';

const data = sampleData(200, 7);
const exact = data.map(exactLogPx);
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, a) => s + a, 0) / v.length;

describe('ELBO and log p(x) on a linear-Gaussian VAE (exact answers)', () => {
  test('with the exact posterior as encoder, every single-sample ELBO equals log p(x)', () => {
    const vae = linearGaussianVAE();
    const x = tf.tensor2d(data);
    const elbo = vae.elbo(x, { samples: 1, seed: 1, analyticKL: false });
    const got = elbo.dataSync();
    for (let i = 0; i < data.length; i++) expect(Math.abs(got[i] - exact[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(exact[i])));
    // With the closed-form KL only E_q[log p(x | z)] is estimated: exact on average.
    const analytic = vae.elbo(x, { samples: 1000, seed: 1 });
    expect(Math.abs(mean(analytic.dataSync()) - mean(exact))).toBeLessThan(0.01);
    tf.dispose([elbo, analytic]);
    // Each log weight log p(x, z) - log q(z | x) is log p(x) itself for every draw.
    const w = vae.logWeights(x.slice([0, 0], [20, D]) as tf.Tensor2D, { samples: 50, seed: 2 });
    const rows = w.arraySync();
    rows.forEach((r, i) => r.forEach((v) => expect(Math.abs(v - exact[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(exact[i])))));
    tf.dispose([x, w]);
    vae.dispose();
  });

  test('with a wrong posterior the ELBO is below log p(x) by KL(q || p(z | x)), within Monte Carlo error', () => {
    const [shift, logShift] = [0.4, 0.3];
    const vae = linearGaussianVAE(shift, logShift);
    const x = tf.tensor2d(data);
    const expected = data.map((row) => exactElbo(row, shift, logShift));
    for (const analyticKL of [true, false]) {
      const elbo = vae.elbo(x, { samples: 400, seed: 3, analyticKL });
      const got = elbo.dataSync();
      const errors = Array.from(got, (g, i) => g - expected[i]);
      // The KL is at least 1.4 nats on every row; the Monte Carlo error of one row with 400 draws
      // is at most about 0.5 nat, of the mean over 200 rows about 0.01.
      for (let i = 0; i < data.length; i++) {
        expect(got[i]).toBeLessThan(exact[i]);
        expect(Math.abs(errors[i])).toBeLessThan(0.8);
      }
      expect(Math.abs(mean(errors))).toBeLessThan(0.05);
      elbo.dispose();
    }
    x.dispose();
    vae.dispose();
  });

  test('the importance-weighted estimate converges to log p(x) as K grows', () => {
    const vae = linearGaussianVAE(0.4, 0.3);
    const x = tf.tensor2d(data.slice(0, 50));
    const truth = mean(exact.slice(0, 50));
    const gaps = [1, 10, 100, 3000].map((K) => {
      const iw = vae.importanceWeightedLogLikelihood(x, { K, seed: 5, batchSize: 4000 });
      const v = truth - mean(iw.dataSync());
      iw.dispose();
      return v;
    });
    // The gap to the truth shrinks with K and is close to 0 at K = 3000 (it is O(1/K)).
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThan(gaps[i - 1]);
    expect(gaps[0]).toBeGreaterThan(0.1);
    expect(Math.abs(gaps[3])).toBeLessThan(0.01);
    x.dispose();
    vae.dispose();
  });

  test('evaluateVAE reports ELBO, IW log p(x) and their gap consistently', () => {
    const vae = linearGaussianVAE(0.4, 0.3);
    const x = tf.tensor2d(data.slice(0, 40));
    const before = tf.memory().numTensors;
    const ev = evaluateVAE(vae, x, { K: 2000, elboSamples: 200, seed: 2, batchSize: 5000 });
    expect(tf.memory().numTensors).toBe(before);
    const truth = mean(exact.slice(0, 40));
    const elbo = mean(data.slice(0, 40).map((r) => exactElbo(r, 0.4, 0.3)));
    expect(Math.abs(ev.logLikelihood - truth)).toBeLessThan(0.01);
    expect(Math.abs(ev.elbo - elbo)).toBeLessThan(0.03);
    expect(ev.gap).toBeCloseTo(ev.logLikelihood - ev.elbo, 10);
    expect(Math.abs(ev.gap - (truth - elbo))).toBeLessThan(0.03);
    x.dispose();
    vae.dispose();
  });
});
