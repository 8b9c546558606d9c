// The MADE sampler (one degree block per pass) against full MADE passes: the parameters of each
// dimension agree, for conditional and unconditional networks, nflows' layout (contextToFirst
// false), one and two hidden layers, D = 1..4; and MAF sampling through it inverts exactly.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MADE } from '../../src/nn/made.js';
import { maf } from '../../src/flows/builders.js';

const cases = [
  { dim: 1, contextDim: 3, hidden: [16, 16] },
  { dim: 2, contextDim: 0, hidden: [16, 16] },
  { dim: 3, contextDim: 5, hidden: [16, 16] },
  { dim: 4, contextDim: 5, hidden: [12], contextToFirst: false },
  { dim: 4, contextDim: 0, hidden: [10, 7, 9] },
];

describe('MADESampler', () => {
  for (const c of cases) {
    test(`parameters equal full passes: ${JSON.stringify(c)}`, () => {
      const made = new MADE({ ...c, paramsPerDim: 3, seed: 4 });
      const rows = 9;
      const y = tf.randomNormal([rows, c.dim], 0, 1, 'float32', 5) as tf.Tensor2D;
      const ctx = c.contextDim > 0 ? (tf.randomNormal([rows, c.contextDim], 0, 1, 'float32', 6) as tf.Tensor2D) : undefined;
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const full = made.apply(y, ctx).arraySync() as number[][][];
        const sampler = made.sampler(rows, ctx);
        for (let i = 0; i < c.dim; i++) {
          const p = sampler.params(y, i).arraySync() as number[][][];
          for (let r = 0; r < rows; r++) {
            for (let k = 0; k < 3; k++) {
              for (let j = 0; j < c.dim; j++) {
                if (j === i) expect(Math.abs(p[r][k][j] - full[r][k][j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(full[r][k][j])));
                else expect(p[r][k][j]).toBe(0);
              }
            }
          }
        }
      });
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([y, ...(ctx ? [ctx] : [])]);
      made.dispose();
    });
  }

  test('MAF sampling through the sampler inverts to the base draws', () => {
    const flow = maf({ dim: 3, contextDim: 4, hidden: [32, 32], seed: 2 });
    const z = tf.randomNormal([50, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
    const ctx = tf.randomNormal([50, 4], 0, 1, 'float32', 4) as tf.Tensor2D;
    const fwd = flow.bijector.forward(z, ctx);
    const back = flow.bijector.inverse(fwd.out, ctx);
    const err = tf.max(tf.abs(tf.sub(back.out, z))).dataSync()[0];
    const ldErr = tf.max(tf.abs(tf.add(back.logDet, fwd.logDet))).dataSync()[0];
    expect(err).toBeLessThan(1e-4);
    expect(ldErr).toBeLessThan(1e-4);
    tf.dispose([z, ctx, fwd.out, fwd.logDet, back.out, back.logDet]);
    flow.dispose();
  });
});
