// NPE's one data path and the newcomer's path: ragged rows are an error (issue 12's toFlat bug:
// rows were flattened and re-rowed by the width of row 0), simulateDataset's output trains as it
// is, UniformPrior.bounds passes as it is (readonly), and the posterior takes plain arrays.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainNPE } from '../../../src/sbi/npe/trainNPE.js';
import { UniformPrior } from '../../../src/sbi/simulation/prior.js';
import { simulateDataset } from '../../../src/sbi/simulation/simulateDataset.js';
import { simulatorFromFunction } from '../../../src/sbi/simulation/simulator.js';
import { Random } from '../../../src/random.js';

describe('trainNPE data path', () => {
  test('ragged rows are rejected, naming the row (regression: they were silently re-rowed)', () => {
    expect(() => trainNPE({ thetas: [[0, 1], [2], [3, 4, 5]], xs: [[0], [1], [2]] })).toThrow(/trainNPE: thetas rows must all have 2 entries \(the length of row 0\); row 1 has 1/);
    expect(() => trainNPE({ thetas: [[0], [1], [2]], xs: [[0, 1], [2, 3], [4]] })).toThrow(/trainNPE: xs rows must all have 2 entries \(the length of row 0\); row 2 has 1/);
    expect(() => trainNPE({ thetas: [0, 1, 2], xs: [[0], [1], [2]] })).toThrow(/trainNPE: thetas is flat, so thetaDim is required/);
  });

  test('simulateDataset output and a UniformPrior train as they are; the posterior takes arrays', async () => {
    const prior = new UniformPrior([-1, 0], [1, 2]);
    const simulator = simulatorFromFunction((theta, seed) => {
      const r = new Random(seed);
      return [theta[0] + 0.1 * r.normal(), theta[1] + 0.1 * r.normal()];
    }, { thetaDim: 2, outputDim: 2 });
    const simulations = await simulateDataset({ simulator, prior, n: 400, seed: 1 });
    const { posterior, history } = trainNPE({ simulations, bounds: prior.bounds, seed: 2, density: 'maf', flow: { hidden: [8], transforms: 1 }, maxEpochs: 2 });
    expect(history.trainRows + history.validationRows).toBe(400);

    const fromArray = posterior.sample([[0.2, 1.1]], 50, 3);
    const fromFlat = posterior.sample(Float64Array.of(0.2, 1.1), 50, 3);
    const fromTensor = tf.tidy(() => posterior.sample(tf.tensor2d([[0.2, 1.1]]), 50, 3));
    expect(fromArray.shape).toEqual([1, 50, 2]);
    expect(Array.from(fromFlat.dataSync())).toEqual(Array.from(fromTensor.dataSync()));
    expect(Array.from(fromArray.dataSync())).toEqual(Array.from(fromTensor.dataSync()));
    const lp = posterior.logProb([[0, 1], [5, 1]], [0.2, 1.1]);
    expect(lp.shape).toEqual([2]);
    expect(lp.arraySync()[1]).toBe(-Infinity);
    const mean = posterior.mean([[0.2, 1.1], [-0.5, 0.3]], 20, 4);
    const map = posterior.map([0.2, 1.1], { candidates: 20, steps: 2, seed: 5 });
    expect(mean.shape).toEqual([2, 2]);
    expect(map.shape).toEqual([1, 2]);
    expect(() => posterior.sample([[0.2]], 5)).toThrow(/NPEPosterior.sample: xo must have width 2; received width 1/);
    tf.dispose([fromArray, fromFlat, fromTensor, lp, mean, map]);
    posterior.dispose();
  });
});
