import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { gaussianEncoder } from '../../src/vae/gaussianEncoder.js';
import { flowEncoder, iafEncoder, planarEncoder, radialEncoder } from '../../src/vae/flowEncoder.js';
import type { Encoder } from '../../src/vae/encoder.js';
import { bernoulliDecoder } from '../../src/vae/bernoulliDecoder.js';
import { VAE } from '../../src/vae/vae.js';
import { fitVAE, klWarmup } from '../../src/vae/fitVAE.js';
import { maf } from '../../src/flows/builders.js';
import { binaryData, PIXELS } from './smallData.js';

const { x } = binaryData(300, 2);
const base = { inputDim: PIXELS, latentDim: 2, hidden: [32], seed: 1 };

// The user's code is the same for every encoder; only the line building the encoder changes.
const encoders: Record<string, () => Encoder> = {
  gaussian: () => gaussianEncoder(base),
  planar: () => planarEncoder({ ...base, layers: 4 }),
  radial: () => radialEncoder({ ...base, layers: 4 }),
  iaf: () => iafEncoder({ ...base, transforms: 2, madeHidden: [16] }),
  'any core flow (MAF bijector)': () => flowEncoder({ ...base, flow: (a) => maf({ ...a, transforms: 2, hidden: [16] }).bijector }),
};

describe('the one-line encoder swap', () => {
  for (const [name, build] of Object.entries(encoders)) {
    test(`${name}: the same VAE code trains and the held-out -ELBO decreases`, () => {
      const before = tf.memory().numTensors;
      const vae = new VAE(build(), bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [32], seed: 2 }));
      const history = fitVAE(vae, { values: x, width: PIXELS }, { seed: 3, maxEpochs: 6, learningRate: 3e-3, batchSize: 50, warmupEpochs: 2 });
      expect(history.epochs).toBe(6);
      expect(history.bestValidationLoss).toBeLessThan(history.validationLoss[0] - 0.5);
      expect(history.trainLoss[history.trainLoss.length - 1]).toBeLessThan(history.trainLoss[0]);
      vae.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  test('KL warm-up: beta rises linearly to 1 over the given epochs; the validation loss is the plain -ELBO', () => {
    const beta = klWarmup(4);
    expect([1, 2, 3, 4, 5, 9].map(beta)).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    expect(klWarmup(0)(1)).toBe(1);
    expect(() => klWarmup(-1)).toThrow(/integer >= 0/);
    // fitVAE uses beta of the schedule in training steps and beta = 1 for the validation loss.
    const vae = new VAE(gaussianEncoder(base), bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [32], seed: 2 }));
    const seen: string[] = [];
    const elbo = vae.elbo.bind(vae);
    vae.elbo = (xs, o) => {
      const tag = `${vae.training ? 'train' : 'validation'} ${o?.beta}`;
      if (seen[seen.length - 1] !== tag) seen.push(tag);
      return elbo(xs, o);
    };
    fitVAE(vae, { values: x, width: PIXELS }, { seed: 3, maxEpochs: 5, learningRate: 3e-3, batchSize: 50, warmupEpochs: 4 });
    expect(seen).toEqual(['train 0.25', 'validation 1', 'train 0.5', 'validation 1', 'train 0.75', 'validation 1', 'train 1', 'validation 1', 'train 1', 'validation 1']);
    vae.dispose();
  });
});
