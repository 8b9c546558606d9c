// BatchNorm in training mode (issue 12: the property harness only ran evaluation mode). On random
// batches (2-64 rows, dims 1-6, magnitudes up to 100, gamma and beta perturbed by up to 0.5, fixed
// plus fresh fast-check seed, 100 draws): the inverse equals a float64 reference that normalises
// by the batch mean and biased variance, its log-det equals the float64 log|det| of that per-row
// map (statistics held fixed, the usual convention), and the running statistics move by the
// momentum with the unbiased variance. Through `fit`: a flow with BatchNorm trains, and in
// evaluation mode afterwards it round-trips and its running statistics track the data.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from '../../src/bijectors/norm/batchNorm.js';
import { Flow } from '../../src/flows/flow.js';
import { StandardNormal } from '../../src/distributions/standardNormal.js';
import { Chain } from '../../src/bijectors/chain.js';
import { MaskedAutoregressive } from '../../src/bijectors/maskedAutoregressive.js';
import { fitFlow } from '../../src/train/fitFlow.js';
import { TOLERANCES } from '../../src/numerics.js';
import { Random } from '../../src/random.js';
import { assertProperty, worstRatio } from '../helpers/harness.js';

const draw = fc.record({
  dim: fc.integer({ min: 1, max: 6 }),
  rows: fc.integer({ min: 2, max: 64 }),
  magnitude: fc.constantFrom(0.01, 1, 10, 100),
  perturb: fc.constantFrom(0, 0.1, 0.3, 0.5),
  momentum: fc.constantFrom(0.1, 0.5, 1),
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
});

describe('BatchNorm in training mode', () => {
  test('inverse, log-det and running statistics against a float64 reference', () => {
    assertProperty(
      draw,
      ({ dim, rows, magnitude, perturb, momentum, seed }) => {
        const r = new Random(seed);
        const b = new BatchNorm({ dim, momentum });
        const gamma = Array.from({ length: dim }, () => perturb * r.normal());
        const beta = Array.from({ length: dim }, () => perturb * r.normal());
        b.gamma.assign(tf.tensor1d(gamma));
        b.beta.assign(tf.tensor1d(beta));
        // Columns with their own offset and scale, so the statistics are far from 0 and 1.
        const values = Array.from({ length: rows * dim }, (_, i) => magnitude * (0.5 * (i % dim) + r.normal() * (1 + (i % dim))));
        const y = tf.tensor2d(values, [rows, dim]);
        const out = b.inverse(y);
        const where = `dim=${dim} rows=${rows} magnitude=${magnitude} perturb=${perturb} momentum=${momentum} seed=${seed}`;
        try {
          const z = out.out.dataSync();
          const logDet = out.logDet.dataSync();
          const expected: number[] = new Array(rows * dim);
          let expectedLogDet = 0;
          const runningMean = b.runningMean.dataSync();
          const runningVar = b.runningVar.dataSync();
          for (let j = 0; j < dim; j++) {
            let mean = 0;
            for (let i = 0; i < rows; i++) mean += values[i * dim + j] / rows;
            let variance = 0;
            for (let i = 0; i < rows; i++) variance += (values[i * dim + j] - mean) ** 2 / rows;
            const scale = Math.exp(Math.fround(gamma[j])) / Math.sqrt(variance + b.eps);
            for (let i = 0; i < rows; i++) expected[i * dim + j] = (values[i * dim + j] - mean) * scale + Math.fround(beta[j]);
            expectedLogDet += Math.fround(gamma[j]) - 0.5 * Math.log(variance + b.eps);
            // Running statistics start at 0 and 1.
            const unbiased = (variance * rows) / (rows - 1);
            expect(Math.abs(runningMean[j] - momentum * mean), `${where}: running mean`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(mean)));
            const rv = 1 - momentum + momentum * unbiased;
            expect(Math.abs(runningVar[j] - rv), `${where}: running variance`).toBeLessThanOrEqual(1e-5 * rv);
          }
          // z is O(1) whatever the magnitude: float32 statistics of O(magnitude) data, relative 1e-6.
          expect(worstRatio(z, expected, TOLERANCES.roundTripAbs, TOLERANCES.roundTripRel), `${where}: inverse`).toBeLessThanOrEqual(1);
          expect(worstRatio(logDet, new Array(rows).fill(expectedLogDet), TOLERANCES.logDetAbs, TOLERANCES.logDetRel), `${where}: log-det`).toBeLessThanOrEqual(1);
        } finally {
          tf.dispose([y, out.out, out.logDet]);
          b.dispose();
        }
      },
      50,
    );
  });

  test('through fit: a flow with BatchNorm trains, then round-trips in evaluation mode with running statistics near the data', () => {
    const r = new Random(3);
    const rows = Array.from({ length: 1165 }, () => [3 + 2 * r.normal(), -1 + 0.5 * r.normal()]);
    const bn = new BatchNorm({ dim: 2 });
    const flow = new Flow(new StandardNormal(2), new Chain([new MaskedAutoregressive({ dim: 2, hidden: [16], seed: 4 }), bn]));
    // 1 165 = 12 * 97 + 1 training rows: a one-row tail at batch 97.
    const h = fitFlow(flow, rows, { seed: 5, batchSize: 97, validationFraction: 0, maxEpochs: 8, learningRate: 3e-3 });
    expect(h.trainLoss.every(Number.isFinite)).toBe(true);
    expect(h.bestValidationLoss).toBeLessThan(h.validationLoss[0]);
    // Running statistics: BatchNorm is the first layer in the density direction, so it sees the data.
    const mean = bn.runningMean.dataSync();
    const variance = bn.runningVar.dataSync();
    expect(Math.abs(mean[0] - 3)).toBeLessThan(0.3);
    expect(Math.abs(mean[1] + 1)).toBeLessThan(0.1);
    expect(Math.abs(variance[0] / 4 - 1)).toBeLessThan(0.2);
    expect(Math.abs(variance[1] / 0.25 - 1)).toBeLessThan(0.2);
    flow.eval();
    const x = tf.tensor2d(rows.slice(0, 200));
    const z = flow.bijector.inverse(x).out;
    const back = flow.bijector.forward(z).out;
    expect(worstRatio(back.dataSync(), x.dataSync(), TOLERANCES.roundTripAbs, TOLERANCES.roundTripRel)).toBeLessThanOrEqual(1);
    tf.dispose([x, z, back]);
    flow.dispose();
  });
});
