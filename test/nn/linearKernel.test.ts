// The hand-written backward pass of dense layers against plain autodiff: relative error of every
// gradient at most TOLERANCES.gradientRel (1e-5), for each activation, with masks and two inputs.
import { afterEach, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Dense } from '../../src/nn/dense.js';
import { MADE } from '../../src/nn/made.js';
import { ACTIVATIONS } from '../../src/nn/activation.js';
import { setFastGradients } from '../../src/nn/linearKernel.js';
import { TOLERANCES } from '../../src/numerics.js';
import type { Module } from '../../src/module.js';

afterEach(() => setFastGradients(true));

function gradients(module: Module, loss: () => tf.Scalar, inputs: tf.Tensor[], fast: boolean): Float32Array[] {
  setFastGradients(fast);
  const vars = module.trainableVariables();
  const f = () => loss();
  const { grads } = tf.variableGrads(f, vars);
  const inputGrads = tf.grads((...xs: tf.Tensor[]) => {
    void xs;
    return loss();
  })(inputs);
  const out = [...vars.map((v) => grads[v.name].dataSync() as Float32Array), ...inputGrads.map((g) => g.dataSync() as Float32Array)];
  tf.dispose([...Object.values(grads), ...inputGrads]);
  return out;
}

function maxRelativeError(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, k) => {
    const scale = Math.max(...Array.from(b[k], Math.abs), 1e-6);
    x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[k][i]) / scale)));
  });
  return worst;
}

describe('hand-written dense gradients match autodiff', () => {
  for (const activation of ACTIVATIONS) {
    test(`Dense with two inputs, a mask and ${activation}`, () => {
      const mask = tf.tensor2d(Array.from({ length: 4 * 6 }, (_, i) => (i % 3 === 0 ? 0 : 1)), [4, 6]);
      const layer = new Dense({ inputs: [4, 3], outputs: 6, activation, masks: [mask, undefined], seed: 1 });
      const x = tf.randomNormal([7, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
      const c = tf.randomNormal([7, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
      const target = tf.randomNormal([7, 6], 0, 1, 'float32', 4);
      const loss = () => tf.sum(tf.mul(layer.apply(x, c), target)) as tf.Scalar;
      const fast = gradients(layer, loss, [x, c], true);
      const auto = gradients(layer, loss, [x, c], false);
      expect(maxRelativeError(fast, auto)).toBeLessThanOrEqual(TOLERANCES.gradientRel);
      tf.dispose([mask, x, c, target]);
      layer.dispose();
    });
  }

  test('a conditional MADE (three layers, masks, context)', () => {
    const made = new MADE({ dim: 4, contextDim: 5, hidden: [16, 16], paramsPerDim: 2, seed: 5 });
    const x = tf.randomNormal([9, 4], 0, 1, 'float32', 6) as tf.Tensor2D;
    const c = tf.randomNormal([9, 5], 0, 1, 'float32', 7) as tf.Tensor2D;
    const loss = () => tf.sum(tf.square(made.apply(x, c))) as tf.Scalar;
    expect(maxRelativeError(gradients(made, loss, [x, c], true), gradients(made, loss, [x, c], false))).toBeLessThanOrEqual(
      TOLERANCES.gradientRel,
    );
    tf.dispose([x, c]);
    made.dispose();
  });
});
