import { expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainRickerNPE } from '../../../simulators/ricker/npe.js';
import { ricker, rickerPrior } from '../../../simulators/ricker/ricker.js';
import { simulateDataset } from '../../../src/sbi/simulation/simulateDataset.js';
import { NPEPosterior } from '../../../src/sbi/npe/posterior.js';

test('trainRickerNPE continueFrom trains the given posterior further (same object, standardisation kept)', async () => {
  const before = tf.memory().numTensors;
  const T = 20;
  const sim = (seed: number) => simulateDataset({ simulator: ricker({ T }), prior: rickerPrior(), n: 300, seed });
  const first = await sim(1);
  const { posterior } = trainRickerNPE({ thetas: first.thetas, ys: first.xs, T, seed: 2, maxEpochs: 1, batchSize: 100 });
  expect(posterior).toBeInstanceOf(NPEPosterior);
  const mean = Array.from((posterior as NPEPosterior).xStandardizer.mean.dataSync());
  const weights = posterior.trainableVariables().map((v) => Array.from(v.dataSync()));
  const second = await sim(3);
  const again = trainRickerNPE({ thetas: second.thetas, ys: second.xs, T, seed: 4, maxEpochs: 1, batchSize: 100, continueFrom: posterior });
  expect(again.posterior).toBe(posterior);
  expect(Array.from((posterior as NPEPosterior).xStandardizer.mean.dataSync())).toEqual(mean);
  expect(posterior.trainableVariables().some((v, i) => Array.from(v.dataSync()).some((w, j) => w !== weights[i][j]))).toBe(true);
  posterior.dispose();
  expect(tf.memory().numTensors).toBe(before);
}, 60_000);
