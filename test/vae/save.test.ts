import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gaussianEncoder } from '../../src/vae/gaussianEncoder.js';
import { iafEncoder, planarEncoder, radialEncoder } from '../../src/vae/flowEncoder.js';
import { bernoulliDecoder } from '../../src/vae/bernoulliDecoder.js';
import { gaussianDecoder } from '../../src/vae/gaussianDecoder.js';
import { VAE } from '../../src/vae/vae.js';
import { fitVAE } from '../../src/vae/fitVAE.js';
import { deserializeModule, serializeModule } from '../../src/io/format.js';
import { loadModel, saveModel } from '../../src/node/files.js';
import { binaryData, PIXELS } from './smallData.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-vae-'));
const { x: values } = binaryData(100, 5);
const o = { inputDim: PIXELS, latentDim: 2, hidden: [16], seed: 1 };

describe('saving and loading a VAE', () => {
  const cases = {
    gaussian: () => new VAE(gaussianEncoder(o), bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [16], seed: 2 })),
    iaf: () => new VAE(iafEncoder({ ...o, transforms: 2, madeHidden: [8] }), bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [16], seed: 2 })),
    planar: () => new VAE(planarEncoder({ ...o, layers: 3 }), gaussianDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [16], learnVariance: true, seed: 2 })),
    'radial, conditional': () =>
      new VAE(radialEncoder({ ...o, layers: 2, conditionDim: 3 }), bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [16], conditionDim: 3, seed: 2 })),
  };
  for (const [name, build] of Object.entries(cases)) {
    test(`${name}: a reloaded VAE gives the same ELBO, IW estimate and reconstructions for a fixed seed`, async () => {
      const vae = build();
      const x = tf.tensor2d(values, [100, PIXELS]);
      const condition = vae.conditionDim > 0 ? (tf.oneHot(tf.tensor1d(Array.from({ length: 100 }, (_, i) => i % 3), 'int32'), 3).toFloat() as tf.Tensor2D) : undefined;
      fitVAE(vae, { values, width: PIXELS }, { seed: 3, maxEpochs: 2, batchSize: 25, learningRate: 3e-3, ...(condition ? { condition } : {}) });
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
      await saveModel(vae, file, { note: name });
      const { module: loaded, metadata } = await loadModel<VAE>(file);
      expect(loaded).toBeInstanceOf(VAE);
      expect(metadata).toEqual({ note: name });
      expect(loaded.encoder.constructor).toBe(vae.encoder.constructor);
      const copy = deserializeModule<VAE>(JSON.parse(JSON.stringify(serializeModule(vae).json)), serializeModule(vae).weights);
      for (const other of [loaded, copy]) {
        const same = (f: (m: VAE) => tf.Tensor) => expect(Array.from(tf.tidy(() => f(other).dataSync()))).toEqual(Array.from(tf.tidy(() => f(vae).dataSync())));
        same((m) => m.elbo(x, { seed: 7, samples: 2, condition }));
        same((m) => m.importanceWeightedLogLikelihood(x, { K: 20, seed: 8, condition }));
        same((m) => m.reconstruct(x, { condition }));
        other.dispose();
      }
      tf.dispose([x, condition]);
      vae.dispose();
    });
  }
});
