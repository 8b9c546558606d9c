// A trained-flow check (issue 12): after fitting an NSF and a MAF to a 2-D mixture, 1 000 samples
// map back to their base draws and forward again within 1e-3, and the log density that
// sampleAndLogProb reports equals logProb of the same samples within 1e-3. Trained weights are
// where the untrained-flow property tests could miss trouble (saturated spline parameters).
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { nsf } from '../../src/flows/nsf.js';
import { maf } from '../../src/flows/builders.js';
import type { Flow } from '../../src/flows/flow.js';
import { GaussianMixture2D } from '../../src/data/toy2d.js';
import { fitFlow } from '../../src/train/fitFlow.js';

const data = new GaussianMixture2D([[-1.5, -1], [1.5, -1], [0, 1.6]], 0.35).sample(3000, 11);

describe('trained flows stay invertible', () => {
  for (const [name, build] of [['NSF', nsf], ['MAF', maf]] as const) {
    test(`${name}: round trips and sampleAndLogProb vs logProb of 1 000 samples after training`, () => {
      const flow: Flow = build({ dim: 2, transforms: 3, hidden: [32, 32], seed: 12 });
      const h = fitFlow(flow, data, { seed: 13, learningRate: 3e-3, batchSize: 128, maxEpochs: 15, patience: 15 });
      // The fit moved the weights: the loss fell well below the untrained one.
      expect(h.bestValidationLoss).toBeLessThan(h.validationLoss[0] - 0.3);
      flow.eval();
      const { sample, logProb } = flow.sampleAndLogProb(1000, { seed: 14 });
      const z = flow.bijector.inverse(sample).out;
      const again = flow.bijector.forward(z).out;
      const direct = flow.logProb(sample);
      const worst = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
      expect(worst(again, sample)).toBeLessThan(1e-3);
      expect(worst(direct, logProb)).toBeLessThan(1e-3);
      // And the other way round: base draws through forward and back.
      const base = tf.randomNormal([1000, 2], 0, 1, 'float32', 15) as tf.Tensor2D;
      const x = flow.bijector.forward(base).out;
      const back = flow.bijector.inverse(x).out;
      expect(worst(back, base)).toBeLessThan(1e-3);
      tf.dispose([sample, logProb, z, again, direct, base, x, back]);
      flow.dispose();
    });
  }
});
