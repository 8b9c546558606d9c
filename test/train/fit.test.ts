import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { maf } from '../../src/flows/builders.js';
import { DiagonalNormal } from '../../src/distributions/diagonalNormal.js';
import { fitFlow } from '../../src/train/fitFlow.js';
import { fit } from '../../src/train/fit.js';
import { NonFiniteLossError } from '../../src/train/loop.js';
import { Random } from '../../src/random.js';

function gaussianData(n: number, seed: number, mean = [1, -2], sd = [0.5, 2]): number[][] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => mean.map((m, j) => m + sd[j] * r.normal()));
}

describe('fit / fitFlow', () => {
  test('maximum likelihood recovers a Gaussian (NLL near its entropy)', () => {
    const q = new DiagonalNormal({ dim: 2 });
    const h = fitFlow(q, gaussianData(4000, 1), { seed: 2, learningRate: 0.05, maxEpochs: 60, patience: 10 });
    // Entropy of N(mu, diag(0.25, 4)): 0.5 * sum log(2 pi e sd^2).
    const entropy = 0.5 * (Math.log(2 * Math.PI * Math.E * 0.25) + Math.log(2 * Math.PI * Math.E * 4));
    expect(Math.abs(h.bestValidationLoss - entropy)).toBeLessThan(0.06);
    const loc = q.loc.arraySync();
    // The likelihood is flat in the mean on the scale of its standard error (sd 2): early
    // stopping ends within a fraction of a standard deviation of the truth.
    expect(Math.abs(loc[0] - 1)).toBeLessThan(0.1 * 0.5);
    expect(Math.abs(loc[1] + 2)).toBeLessThan(0.1 * 2);
    expect(h.trainLoss).toHaveLength(h.epochs);
    expect(h.validationLoss).toHaveLength(h.epochs);
    expect(h.wallTimeMs).toBeGreaterThan(0);
    q.dispose();
  });

  test('early stopping restores the weights of the best epoch', () => {
    const q = maf({ dim: 2, hidden: [16], transforms: 2, seed: 3 });
    // A high learning rate makes the validation loss wander, so the last epoch is not the best.
    const h = fitFlow(q, gaussianData(400, 4), { seed: 5, learningRate: 0.05, maxEpochs: 40, patience: 3, batchSize: 50 });
    expect(['patience', 'maxEpochs']).toContain(h.stopReason);
    const x = tf.tensor2d(gaussianData(400, 4));
    // Recompute the validation loss on the same split: the restored weights must reproduce the best value.
    const fresh = fitFlow(q, gaussianData(400, 4), { seed: 5, learningRate: 1e-12, maxEpochs: 1, patience: 1, batchSize: 50 });
    expect(fresh.validationLoss[0]).toBeCloseTo(h.bestValidationLoss, 3);
    x.dispose();
    q.dispose();
  });

  test('a non-finite loss stops training, names the epoch and step, and keeps the best weights', () => {
    const q = new DiagonalNormal({ dim: 1 });
    let calls = 0;
    const data = gaussianData(100, 6, [0], [1]);
    let error: unknown;
    try {
      fit({
        model: q,
        data: [data],
        seed: 1,
        batchSize: 10,
        maxEpochs: 5,
        lossCheckEvery: 1,
        loss: ([x]) => {
          calls += 1;
          // Finite for two epochs (9 training steps + 1 validation pass each), then NaN.
          const nll = tf.neg(tf.mean(q.logProb(x)));
          return (calls > 20 ? tf.mul(nll, NaN) : nll) as tf.Scalar;
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const e = error as NonFiniteLossError;
    expect(e.epoch).toBe(3);
    expect(e.step).toBe(1);
    expect(e.message).toMatch(/epoch 3, step 1/);
    expect(e.message).toMatch(/epoch 2 \(the best so far\)|epoch 1 \(the best so far\)/);
    expect(q.loc.dataSync()[0]).not.toBeNaN();
    q.dispose();
  });

  test('bad data: wrong width, NaN rows, empty data, oversized batches', () => {
    const q = new DiagonalNormal({ dim: 2 });
    expect(() => fitFlow(q, [[1, 2, 3]], {})).toThrow(/fitFlow: data must have width 2; received width 3/);
    expect(() => fitFlow(q, [], {})).toThrow(/fitFlow: the dataset is empty/);
    expect(() => fitFlow(q, [[NaN, 1]], {})).toThrow(/all 1 rows contain NaN or Infinity/);
    const data = gaussianData(50, 7);
    data[3] = [NaN, 0];
    data[9] = [0, Infinity];
    const h = fitFlow(q, data, { seed: 1, maxEpochs: 2, batchSize: 1000 });
    expect(h.droppedRows).toBe(2);
    expect(h.trainRows + h.validationRows).toBe(48);
    expect(h.batchSize).toBe(h.trainRows);
    expect(() => fitFlow(q, data, { batchSize: 0 })).toThrow(/batchSize must be a positive integer; received 0/);
    expect(() => fitFlow(q, data, { learningRate: -1 })).toThrow(/learningRate must be > 0; received -1/);
    const conditional = maf({ dim: 2, contextDim: 1, transforms: 1, hidden: [4], seed: 1 });
    expect(() => fitFlow(conditional, data, {})).toThrow(/the flow is conditional/);
    expect(() => fitFlow(conditional, data, { context: [[1]] })).toThrow(/data and context must have the same number of rows; received 50 and 1/);
    q.dispose();
    conditional.dispose();
  });

  test('a learning-rate schedule is applied per epoch and reported', () => {
    const q = new DiagonalNormal({ dim: 2 });
    const rates: number[] = [];
    fitFlow(q, gaussianData(100, 8), {
      seed: 1,
      maxEpochs: 4,
      patience: 10,
      learningRate: 0.1,
      schedule: (epoch, lr0) => lr0 / (epoch + 1),
      onEpochEnd: (info) => void rates.push(info.learningRate),
    });
    expect(rates).toEqual([0.1, 0.05, 0.1 / 3, 0.025]);
    q.dispose();
  });

  test('a perStep schedule moves the learning rate within each epoch', () => {
    const q = new DiagonalNormal({ dim: 2 });
    const seen: number[] = [];
    const schedule = Object.assign((progress: number, lr0: number) => (seen.push(progress), lr0 / (1 + progress)), { perStep: true });
    // 90 training rows in batches of 30: 3 steps per epoch, progress 0, 1/3, 2/3, then 1, 4/3, 5/3.
    fitFlow(q, gaussianData(100, 8), { seed: 1, maxEpochs: 2, patience: 10, batchSize: 30, learningRate: 0.1, schedule });
    const perStep = seen.filter((_, k) => ![0, 4].includes(k)); // drop the two epoch-start evaluations
    expect(perStep.map((p) => +p.toFixed(6))).toEqual([0, 0.333333, 0.666667, 1, 1.333333, 1.666667]);
    q.dispose();
  });

  test('memory: training leaves the tensor count where it was after the first step', () => {
    const q = maf({ dim: 2, hidden: [8], transforms: 2, seed: 9 });
    const data = gaussianData(600, 10);
    fitFlow(q, data, { seed: 1, maxEpochs: 1, batchSize: 600, validationFraction: 0 });
    const afterFirst = tf.memory().numTensors;
    fitFlow(q, data, { seed: 1, maxEpochs: 25, batchSize: 20, patience: 100 });
    expect(tf.memory().numTensors).toBe(afterFirst);
    q.dispose();
  });
});
