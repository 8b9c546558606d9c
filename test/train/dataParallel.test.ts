import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainNPE } from '../../src/sbi/npe/trainNPE.js';
import { fit } from '../../src/train/fit.js';
import { MLP } from '../../src/nn/mlp.js';
import { combineGradients, workerLoss } from '../../src/train/gradientWorkers.js';
import { dataParallel } from '../../src/node/dataParallel.js';
import { noisyPairs } from '../helpers/noisyPairs.js';

function train(parallel: boolean, options: { maxEpochs?: number; batchSize?: number; validationFraction?: number } = {}) {
  const { thetas, xs } = noisyPairs(1200, 5, 0.3);
  return trainNPE({ thetas, xs, density: 'maf', maxEpochs: 2, batchSize: 200, learningRate: 2e-3, seed: 7, ...options, parallel: parallel ? dataParallel({ workers: 1 }) : undefined });
}

/** Largest absolute difference between two models' weights. */
function weightGap(a: { variables(): tf.Variable[] }, b: { variables(): tf.Variable[] }): number {
  const va = a.variables().map((v) => v.dataSync());
  const vb = b.variables().map((v) => v.dataSync());
  let gap = 0;
  va.forEach((x, i) => x.forEach((value, j) => (gap = Math.max(gap, Math.abs(value - vb[i][j])))));
  return gap;
}

describe('data-parallel training (dataParallel, GradientWorkers)', () => {
  it('follows one-thread training: the same losses to float32 summation order, deterministic, no leaked tensors', () => {
    const start = tf.memory().numTensors;
    const one = train(false);
    const held = tf.memory().numTensors - start; // what one trained posterior holds
    const two = train(true);
    const again = train(true);
    expect(tf.memory().numTensors - start).toBe(3 * held);
    expect(two.history.steps).toBe(one.history.steps);
    for (let e = 0; e < 2; e++) {
      expect(Math.abs(two.history.trainLoss[e] - one.history.trainLoss[e])).toBeLessThan(2e-3);
      expect(Math.abs(two.history.validationLoss[e] - one.history.validationLoss[e])).toBeLessThan(2e-3);
    }
    expect(again.history.trainLoss).toEqual(two.history.trainLoss);
    expect(again.history.validationLoss).toEqual(two.history.validationLoss);
    // The step in the middle of the batch: both halves count (a helper that returned zeros would not learn this far).
    expect(two.history.trainLoss[1]).toBeLessThan(two.history.trainLoss[0]);
    for (const r of [one, two, again]) r.posterior.dispose();
  });

  it('takes the same first step as one thread, to float32 rounding (the helper computes half the minibatch)', () => {
    const options = { maxEpochs: 1, batchSize: 1200, validationFraction: 0 };
    const one = train(false, options);
    const two = train(true, options);
    expect(two.history.steps).toBe(1);
    // A step moves weights by about the learning rate (2e-3): half a gradient would show at 1e-3.
    expect(weightGap(one.posterior, two.posterior)).toBeLessThan(2e-5);
    one.posterior.dispose();
    two.posterior.dispose();
  });

  it('combines gradients by row counts', () => {
    const [a, b] = combineGradients([Float32Array.of(1, 2), Float32Array.of(3)], 3, Float32Array.of(5, 6, 7), 1);
    expect(Array.from(a)).toEqual([2, 3]);
    expect(Array.from(b)).toEqual([4]);
  });

  it('reports a helper that fails, an unknown loss and bad options by name', () => {
    const model = new MLP({ inputs: 2, hidden: [4], outputs: 1, seed: 1 });
    const data = [{ values: new Float32Array(400).map((_, i) => Math.sin(i)), width: 2 }];
    const loss = ([x]: tf.Tensor2D[]) => tf.mean(tf.square(model.apply(x))) as tf.Scalar;
    expect(() => fit({ model, data, loss, maxEpochs: 1, parallel: dataParallel({ workers: 1 }) })).toThrow(/fit: parallel training needs workerLoss/);
    expect(() => fit({ model, data, loss, maxEpochs: 1, workerLoss: 'no-such-loss', parallel: dataParallel({ workers: 1 }) })).toThrow(
      /dataParallel: the helper thread failed: .*workerLoss: no loss registered as "no-such-loss"/s,
    );
    expect(() => workerLoss('no-such-loss')).toThrow(/registered: .*npe/);
    expect(() => dataParallel({ workers: 2 })).toThrow(/dataParallel: workers must be 0 or 1.*received 2/);
    expect(dataParallel({ workers: 0 })).toBeUndefined();
    model.dispose();
  });
});
