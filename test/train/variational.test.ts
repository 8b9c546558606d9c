import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DiagonalNormal } from '../../src/distributions/diagonalNormal.js';
import { realNVP } from '../../src/flows/builders.js';
import { estimateLogZ, fitVariational } from '../../src/train/variational.js';

// Unnormalised N((1, -1), diag(0.5^2, 2^2)) times e^3: log Z = 3.
const MEAN = [1, -1];
const SD = [0.5, 2];
const LOG_Z = 3;
const logTarget = (x: tf.Tensor2D) =>
  tf.tidy(() => {
    const z = tf.div(tf.sub(x, MEAN), SD);
    const logNorm = -Math.log(2 * Math.PI) - Math.log(SD[0] * SD[1]);
    return tf.add(tf.mul(-0.5, tf.sum(tf.square(z), 1)), logNorm + LOG_Z) as tf.Tensor1D;
  });

describe('reverse-KL variational inference', () => {
  test('fits a Gaussian target: KL(q || p) small and log Z recovered', () => {
    const q = new DiagonalNormal({ dim: 2 });
    const h = fitVariational(q, logTarget, { seed: 1, learningRate: 0.05, maxEpochs: 30, stepsPerEpoch: 40, samplesPerStep: 128 });
    // -ELBO = KL(q || p) - log Z.
    expect(h.bestValidationLoss + LOG_Z).toBeLessThan(0.01);
    const z = estimateLogZ(q, logTarget, 20000, 2);
    expect(Math.abs(z.logZ - LOG_Z)).toBeLessThan(Math.max(4 * z.standardError, 0.01));
    expect(z.elbo).toBeLessThanOrEqual(z.logZ + 1e-6);
    expect(z.effectiveSampleSize).toBeGreaterThan(15000);
    q.dispose();
  });

  test('log Z estimate is unbiased for a mismatched proposal and its standard error is honest', () => {
    const q = realNVP({ dim: 2, transforms: 2, hidden: [8], seed: 3 });
    const estimates = [1, 2, 3, 4, 5].map((s) => estimateLogZ(q, logTarget, 5000, s));
    for (const e of estimates) expect(Math.abs(e.logZ - LOG_Z)).toBeLessThan(6 * e.standardError + 0.05);
    q.dispose();
  });

  test('rejects conditional flows and bad options', () => {
    const q = new DiagonalNormal({ dim: 2 });
    expect(() => fitVariational(q, logTarget, { samplesPerStep: 0 })).toThrow(/samplesPerStep must be a positive integer; received 0/);
    expect(() => estimateLogZ(q, logTarget, 1)).toThrow(/n must be an integer >= 2; received 1/);
    q.dispose();
  });
});
