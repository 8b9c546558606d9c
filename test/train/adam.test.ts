import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../../src/train/adam.js';
import { memoryView } from '../../src/backend/memory.js';
import { MLP } from '../../src/nn/mlp.js';

/** Plain JavaScript Adam with clipping, written from the formulas, as the reference. */
function referenceAdam(theta: number[][], grads: number[][][], lr: number, clip: number | null): number[][] {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const m = theta.map((t) => t.map(() => 0));
  const v = theta.map((t) => t.map(() => 0));
  const out = theta.map((t) => [...t]);
  grads.forEach((g, step) => {
    const norm = Math.sqrt(g.flat().reduce((s, x) => s + x * x, 0));
    const scale = clip === null ? 1 : Math.min(1, clip / (norm + 1e-6));
    const t = step + 1;
    out.forEach((row, a) =>
      row.forEach((_, i) => {
        const gi = g[a][i] * scale;
        m[a][i] = b1 * m[a][i] + (1 - b1) * gi;
        v[a][i] = b2 * v[a][i] + (1 - b2) * gi * gi;
        const mh = m[a][i] / (1 - b1 ** t);
        const vh = v[a][i] / (1 - b2 ** t);
        out[a][i] -= (lr * mh) / (Math.sqrt(vh) + eps);
      }),
    );
  });
  return out;
}

describe('Adam', () => {
  const theta0 = [[0.5, -1, 2], [3, 0.1]];
  const grads = [
    [[1, 2, -3], [0.5, 4]],
    [[-2, 0.1, 1], [3, -1]],
    [[10, -10, 5], [0, 2]],
  ];
  for (const [clip, inPlace] of [[null, true], [1.5, true], [null, false], [1.5, false]] as const) {
    test(`matches the reference formulas (clip ${clip}, ${inPlace ? 'JavaScript pass' : 'tensor ops'})`, () => {
      const vars = theta0.map((t) => tf.variable(tf.tensor1d(t)));
      const adam = new Adam({ learningRate: 0.1, inPlace });
      for (const g of grads) {
        const gt = g.map((x) => tf.tensor1d(x));
        adam.update(vars, gt, clip);
        tf.dispose(gt);
      }
      const expected = referenceAdam(theta0, grads, 0.1, clip);
      vars.forEach((v, a) => Array.from(v.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expected[a][i], 5)));
      adam.dispose();
      tf.dispose(vars);
    });
  }

  test('several steps through unmasked dense layers match the tensor path (XNNPACK weight cache regression)', () => {
    // The wasm matmul caches packed weights by tensor id: an optimiser that wrote variables in
    // place trained on stale weights from the second step on. Both paths must agree at every step.
    const run = (inPlace: boolean) => {
      const net = new MLP({ inputs: 3, hidden: [8], outputs: 2, seed: 1 });
      const x = tf.randomNormal([16, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
      const adam = new Adam({ learningRate: 0.05, inPlace });
      const losses: number[] = [];
      for (let s = 0; s < 6; s++) {
        const value = tf.tidy(() => {
          const vars = net.trainableVariables();
          const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(net.apply(x), 1))) as tf.Scalar, vars);
          adam.update(vars, vars.map((v) => grads[v.name]));
          return value;
        });
        losses.push(value.dataSync()[0]);
        value.dispose();
      }
      tf.dispose(x);
      net.dispose();
      adam.dispose();
      return losses;
    };
    const js = run(true);
    const tensors = run(false);
    js.forEach((l, i) => expect(l).toBeCloseTo(tensors[i], 5));
    expect(js[5]).toBeLessThan(js[0]);
  });

  test('updates do not reach tensors that shared the variable memory', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const alias = tf.clone(v);
    const adam = new Adam({ learningRate: 0.5 });
    const g = tf.tensor1d([1, 1, 1]);
    adam.update([v], [g]);
    expect(Array.from(alias.dataSync())).toEqual([1, 2, 3]);
    expect(v.dataSync()[0]).toBeCloseTo(0.5, 5);
    tf.dispose([v, alias, g]);
    adam.dispose();
  });

  test('a step leaves the tensor count unchanged', () => {
    const v = tf.variable(tf.randomNormal([50, 20]));
    const g = tf.randomNormal([50, 20]);
    const adam = new Adam();
    adam.update([v], [g], 5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) adam.update([v], [g], 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(memoryView(v)).not.toBeNull(); // the fast path is the one under test on wasm and cpu
    tf.dispose([v, g]);
    adam.dispose();
  });
});
