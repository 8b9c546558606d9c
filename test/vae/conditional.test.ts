import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { gaussianEncoder } from '../../src/vae/gaussianEncoder.js';
import { iafEncoder } from '../../src/vae/flowEncoder.js';
import { bernoulliDecoder } from '../../src/vae/bernoulliDecoder.js';
import { gaussianDecoder } from '../../src/vae/gaussianDecoder.js';
import { VAE } from '../../src/vae/vae.js';
import { fitVAE } from '../../src/vae/fitVAE.js';
import { oneHot } from '../../src/data/digits.js';
import { binaryData, PIXELS } from './smallData.js';

const CLASSES = 3;

describe('conditional decoders and the conditional VAE', () => {
  test('shapes: the label enters the first layer beside z', () => {
    const before = tf.memory().numTensors;
    const z = tf.randomNormal([7, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
    const y = tf.tensor2d(oneHot([0, 1, 2, 0, 1, 2, 0], CLASSES), [7, CLASSES]);
    const x = tf.randomUniform([7, PIXELS], 0, 1, 'float32', 2) as tf.Tensor2D;
    for (const decoder of [
      bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [8], conditionDim: CLASSES, seed: 1 }),
      gaussianDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [8], conditionDim: CLASSES, learnVariance: true, seed: 1 }),
    ]) {
      expect(decoder.net.layers[0].inputWidths).toEqual([2, CLASSES]);
      const ll = decoder.logLikelihood(x, z, y);
      const m = decoder.mean(z, y);
      expect(ll.shape).toEqual([7]);
      expect(m.shape).toEqual([7, PIXELS]);
      expect(() => decoder.mean(z)).toThrow(/conditional and needs a condition of shape \[7, 3\]/);
      const short = y.slice([0, 0], [3, -1]) as tf.Tensor2D;
      expect(() => decoder.mean(z, short)).toThrow(/one row per input row/);
      tf.dispose([ll, m, short]);
      decoder.dispose();
    }
    // A learned variance is one trainable log sd per pixel; a fixed one is saved but not trained.
    const learned = gaussianDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [], learnVariance: true });
    const fixed = gaussianDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [], sigma: 0.1 });
    expect(learned.trainableVariables().length).toBe(fixed.trainableVariables().length + 1);
    expect(fixed.variables().length).toBe(learned.variables().length);
    expect(fixed.logSigma.dataSync()[0]).toBeCloseTo(Math.log(0.1), 6);
    learned.dispose();
    fixed.dispose();

    const vae = new VAE(
      iafEncoder({ inputDim: PIXELS, latentDim: 2, hidden: [8], conditionDim: CLASSES, transforms: 2, madeHidden: [8], seed: 1 }),
      bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [8], conditionDim: CLASSES, seed: 2 }),
    );
    const elbo = vae.elbo(x, { condition: y, samples: 3, seed: 1 });
    const w = vae.logWeights(x, { condition: y, samples: 4, seed: 1 });
    const iw = vae.importanceWeightedLogLikelihood(x, { condition: y, K: 5, batchSize: 12, seed: 1 });
    const r = vae.reconstruct(x, { condition: y });
    const g = vae.generate(4, 1, 2);
    const g2 = vae.generate(7, 1, y);
    expect([elbo.shape, w.shape, iw.shape, r.shape, g.shape, g2.shape]).toEqual([[7], [7, 4], [7], [7, PIXELS], [4, PIXELS], [7, PIXELS]]);
    expect(() => vae.elbo(x)).toThrow(/this VAE is conditional; pass options.condition of shape \[7, 3\]/);
    expect(() => vae.generate(4, 1)).toThrow(/this VAE is conditional/);
    expect(() => vae.generate(4, 1, 3)).toThrow(/label must be an integer in \[0, 3\)/);
    tf.dispose([elbo, w, iw, r, g, g2, x, y, z]);
    vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a trained conditional VAE generates data of the requested class', () => {
    const { x, labels } = binaryData(600, 4);
    const vae = new VAE(
      gaussianEncoder({ inputDim: PIXELS, latentDim: 2, hidden: [32], conditionDim: CLASSES, seed: 1 }),
      bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [32], conditionDim: CLASSES, seed: 2 }),
    );
    fitVAE(vae, { values: x, width: PIXELS }, { condition: { values: oneHot(labels, CLASSES), width: CLASSES }, seed: 3, maxEpochs: 15, learningRate: 3e-3, batchSize: 50 });
    // Class means of the data; generated means per class must be nearest to their own class.
    const means = Array.from({ length: CLASSES }, (_, k) => {
      const rows = Array.from(labels.keys()).filter((i) => labels[i] === k);
      return Array.from({ length: PIXELS }, (_, j) => rows.reduce((s, i) => s + x[i * PIXELS + j], 0) / rows.length);
    });
    for (let k = 0; k < CLASSES; k++) {
      const g = vae.generate(200, k + 10, k);
      const avg = tf.tidy(() => Array.from(tf.mean(g, 0).dataSync()));
      const dist = means.map((m) => Math.hypot(...m.map((v, j) => v - avg[j])));
      expect(dist.indexOf(Math.min(...dist))).toBe(k);
      expect(dist[k]).toBeLessThan(0.5);
      g.dispose();
    }
    vae.dispose();
  });
});
