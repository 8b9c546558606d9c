import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { gaussianEncoder } from '../../src/vae/gaussianEncoder.js';
import { planarEncoder } from '../../src/vae/flowEncoder.js';
import { bernoulliDecoder } from '../../src/vae/bernoulliDecoder.js';
import { VAE } from '../../src/vae/vae.js';
import { fitVAE } from '../../src/vae/fitVAE.js';
import { binaryData, PIXELS } from './smallData.js';

const ROWS = 200;
const { x: values } = binaryData(ROWS, 1);
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, a) => s + a, 0) / v.length;

/** A small Bernoulli VAE trained briefly (its posterior mismatch leaves room for IW to improve). */
function trained(kind: 'gaussian' | 'planar'): VAE {
  const o = { inputDim: PIXELS, latentDim: 2, hidden: [32], seed: 1 };
  const encoder = kind === 'gaussian' ? gaussianEncoder(o) : planarEncoder({ ...o, layers: 4 });
  const vae = new VAE(encoder, bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [32], seed: 2 }));
  fitVAE(vae, { values, width: PIXELS }, { seed: 3, maxEpochs: 3, learningRate: 3e-3, batchSize: 50 });
  return vae;
}

describe('importance-weighted log-likelihood', () => {
  for (const kind of ['gaussian', 'planar'] as const) {
    test(`${kind}: at least the ELBO on every batch, and increasing with K`, () => {
      const vae = trained(kind);
      const x = tf.tensor2d(values, [ROWS, PIXELS]);
      const before = tf.memory().numTensors;
      // Batches of 40 rows: IW with K = 100 against the ELBO (100 draws) of the same batch.
      for (let start = 0; start < ROWS; start += 40) {
        const xb = x.slice([start, 0], [40, PIXELS]) as tf.Tensor2D;
        const iw = vae.importanceWeightedLogLikelihood(xb, { K: 100, seed: start });
        const elbo = vae.elbo(xb, { samples: 100, seed: start + 1 });
        expect(mean(iw.dataSync())).toBeGreaterThan(mean(elbo.dataSync()));
        // With the same draws, log-mean-exp >= mean holds row by row (Jensen).
        const w = vae.logWeights(xb, { samples: 100, seed: start + 2 });
        const minDiff = tf.tidy(() => tf.min(tf.sub(tf.sub(tf.logSumExp(w, 1), Math.log(100)), tf.mean(w, 1))).dataSync()[0]);
        expect(minDiff).toBeGreaterThanOrEqual(-1e-4);
        tf.dispose([xb, iw, elbo, w]);
      }
      // The mean estimate over the rows rises with K (Burda et al. 2016, theorem 1). Beyond K = 100
      // the steps here are below a thousandth of a nat; elbo.test.ts follows K to 3000 on a model
      // with a known answer.
      const estimates = [1, 10, 100].map((K) => {
        const iw = vae.importanceWeightedLogLikelihood(x, { K, seed: 7, batchSize: 20_000 });
        const v = mean(iw.dataSync());
        iw.dispose();
        return v;
      });
      for (let i = 1; i < estimates.length; i++) expect(estimates[i]).toBeGreaterThan(estimates[i - 1]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      vae.dispose();
    });
  }

  test('the pass size changes only which draws are used, not the estimate', () => {
    const vae = trained('gaussian');
    const x = tf.tensor2d(values.subarray(0, 10 * PIXELS), [10, PIXELS]);
    // K = 1 per pass and all rows in one pass use different draw layouts: compare in distribution
    // through the mean over many draws instead of value by value.
    const a = mean(vae.importanceWeightedLogLikelihood(x, { K: 300, batchSize: 7, seed: 1 }).dataSync());
    const b = mean(vae.importanceWeightedLogLikelihood(x, { K: 300, batchSize: 100_000, seed: 2 }).dataSync());
    expect(Math.abs(a - b)).toBeLessThan(0.1);
    expect(() => vae.importanceWeightedLogLikelihood(x, { K: 0 })).toThrow(/K must be a positive integer/);
    x.dispose();
    vae.dispose();
  });
});
