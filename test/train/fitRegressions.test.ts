// Regression tests for two training bugs of issue 12:
// (a) fit kept a one-row last minibatch, on which BatchNorm in training mode throws: any flow with
//     BatchNorm crashed when training rows % batchSize == 1;
// (b) after a non-finite loss the training loop restored ActNorm's `initialized` flag (0) but
//     ActNorm kept a cached "initialised", so a retried fit ran it with the restored identity
//     parameters instead of initialising it from data.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Flow } from '../../src/flows/flow.js';
import { StandardNormal } from '../../src/distributions/standardNormal.js';
import { Chain } from '../../src/bijectors/chain.js';
import { BatchNorm } from '../../src/bijectors/norm/batchNorm.js';
import { ActNorm } from '../../src/bijectors/norm/actNorm.js';
import { MaskedAutoregressive } from '../../src/bijectors/maskedAutoregressive.js';
import { fitFlow } from '../../src/train/fitFlow.js';
import { fit, minibatchStarts } from '../../src/train/fit.js';
import { NonFiniteLossError } from '../../src/train/loop.js';
import { Random } from '../../src/random.js';

function data(n: number, seed: number, mean: number, sd: number): number[][] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => [mean + sd * r.normal(), -mean + 0.5 * sd * r.normal()]);
}

describe('fit: a one-row last minibatch', () => {
  test('minibatchStarts merges a one-row tail into the minibatch before it, and only then', () => {
    expect(minibatchStarts(101, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(minibatchStarts(102, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(minibatchStarts(100, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(minibatchStarts(1, 1)).toEqual([0]);
    expect(minibatchStarts(3, 2)).toEqual([0]);
    expect(minibatchStarts(5, 1)).toEqual([0, 1, 2, 3, 4]);
  });

  test('a flow with BatchNorm trains when the training rows leave one row over (101 rows, batch 10)', () => {
    const flow = new Flow(
      new StandardNormal(2),
      new Chain([new MaskedAutoregressive({ dim: 2, hidden: [8], seed: 1 }), new BatchNorm({ dim: 2 }), new MaskedAutoregressive({ dim: 2, hidden: [8], seed: 2 })]),
    );
    const h = fitFlow(flow, data(101, 3, 2, 1.5), { seed: 4, batchSize: 10, validationFraction: 0, maxEpochs: 3, learningRate: 1e-3 });
    expect(h.trainRows).toBe(101);
    expect(h.epochs).toBe(3);
    expect(h.trainLoss.every(Number.isFinite)).toBe(true);
    // Every step used at least 10 rows: 10 steps per epoch (the last of 11 rows).
    expect(h.steps).toBe(30);
    flow.dispose();
  });
});

describe('fit: ActNorm after a non-finite loss', () => {
  test('a retried fit initialises ActNorm from its first batch again', () => {
    const actNorm = new ActNorm({ dim: 2 });
    const flow = new Flow(new StandardNormal(2), new Chain([new MaskedAutoregressive({ dim: 2, hidden: [8], seed: 5 }), actNorm]));
    const rows = data(200, 6, 5, 3);
    let calls = 0;
    expect(() =>
      fit({
        model: flow,
        data: [rows],
        seed: 7,
        batchSize: 50,
        validationFraction: 0,
        maxEpochs: 2,
        lossCheckEvery: 1,
        loss: ([x]) => {
          calls += 1;
          const nll = tf.neg(tf.mean(flow.logProb(x)));
          // NaN on the third step of the first epoch: no best epoch yet, so the initial weights
          // (ActNorm not initialised) are restored.
          return (calls === 3 ? tf.mul(nll, NaN) : nll) as tf.Scalar;
        },
      }),
    ).toThrow(NonFiniteLossError);
    expect(actNorm.initializedFlag.dataSync()[0]).toBe(0);
    expect(actNorm.initialized).toBe(false);
    // The retry: with a negligible learning rate the shift is what the first batch initialised.
    fitFlow(flow, rows, { seed: 8, batchSize: 50, validationFraction: 0, maxEpochs: 1, learningRate: 1e-9 });
    expect(actNorm.initialized).toBe(true);
    const shift = actNorm.shift.dataSync();
    // In the density direction ActNorm is the first layer: it sees the data (column means 5 and -5).
    expect(Math.abs(shift[0])).toBeGreaterThan(2);
    expect(Math.abs(shift[1])).toBeGreaterThan(2);
    flow.dispose();
  });
});
