// MADE's autoregressive property, and that with a context every output, the first included,
// depends on the context.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MADE } from '../../src/nn/made.js';

function jacobianNonZero(f: (x: tf.Tensor2D) => tf.Tensor, x: tf.Tensor2D, outputs: number): boolean[][] {
  return Array.from({ length: outputs }, (_, o) => {
    const g = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(tf.reshape(f(input as tf.Tensor2D), [x.shape[0], -1]), [0, o], [-1, 1])))(x);
    const nz = (tf.sum(tf.abs(g), 0).arraySync() as number[]).map((v) => v > 0);
    g.dispose();
    return nz;
  });
}

describe('MADE', () => {
  for (const D of [1, 2, 4]) {
    test(`D = ${D}: parameters of dimension i depend on x_<i only, and every one on the context`, () => {
      const made = new MADE({ dim: D, contextDim: 3, hidden: [16, 16], paramsPerDim: 2, seed: 1 });
      const x = tf.randomNormal([5, D], 0, 1, 'float32', 2) as tf.Tensor2D;
      const c = tf.randomNormal([5, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
      const onX = jacobianNonZero((input) => made.apply(input, c), x, 2 * D);
      const onC = jacobianNonZero((input) => made.apply(x, input), c, 2 * D);
      for (let o = 0; o < 2 * D; o++) {
        const i = o % D; // output column o is parameter floor(o / D) of dimension i
        onX[o].forEach((nz, j) => expect(nz, `output ${o} on x_${j}`).toBe(j < i));
        expect(onC[o].some((nz) => nz), `output ${o} depends on the context`).toBe(true);
      }
      tf.dispose([x, c]);
      made.dispose();
    });
  }
  test('contextToFirst: false gives nflows\' layout: the first dimension ignores the context, the others see it', () => {
    const D = 3;
    const made = new MADE({ dim: D, contextDim: 2, hidden: [12], paramsPerDim: 2, contextToFirst: false, seed: 4 });
    const x = tf.randomNormal([4, D], 0, 1, 'float32', 5) as tf.Tensor2D;
    const c = tf.randomNormal([4, 2], 0, 1, 'float32', 6) as tf.Tensor2D;
    const onX = jacobianNonZero((input) => made.apply(input, c), x, 2 * D);
    const onC = jacobianNonZero((input) => made.apply(x, input), c, 2 * D);
    for (let o = 0; o < 2 * D; o++) {
      const i = o % D;
      onX[o].forEach((nz, j) => expect(nz, `output ${o} on x_${j}`).toBe(j < i));
      expect(onC[o].some((nz) => nz), `output ${o} on the context`).toBe(i > 0);
    }
    tf.dispose([x, c]);
    made.dispose();
  });
});
