import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Conv1DEmbedding } from '../../src/nn/conv1dEmbedding.js';
import { meanRows } from '../../src/nn/meanRows.js';
import { deserializeModule, serializeModule } from '../../src/io/format.js';

/** Plain reference: strided valid convolutions with ReLU, mean and RMS over time, dense head. */
function reference(net: Conv1DEmbedding, x: number[][], kernel: number, strides: number[]): number[][] {
  const vars = Object.fromEntries(net.namedVariables().map(([n, v]) => [n, v.arraySync() as number[][] | number[]]));
  return x.map((series) => {
    let h = series.map((v) => [v]); // [time][channel]
    strides.forEach((s, l) => {
      const bias = vars[`conv.${l}.bias`] as number[];
      const cout = bias.length;
      const out = Math.floor((h.length - kernel) / s) + 1;
      const next: number[][] = [];
      for (let t = 0; t < out; t++) {
        const row = [...bias];
        for (let j = 0; j < kernel; j++) {
          // The first layer has one [kernel, cout] kernel; later ones a [cin, cout] kernel per tap.
          const w = l === 0 ? [(vars[`conv.0.kernel`] as number[][])[j]] : (vars[j === 0 ? `conv.${l}.kernel` : `conv.${l}.kernel${j}`] as number[][]);
          h[s * t + j].forEach((v, ci) => w[ci].forEach((wv, co) => (row[co] += v * wv)));
        }
        next.push(row.map((v) => Math.max(0, v)));
        void cout;
      }
      h = next;
    });
    const C = h[0].length;
    const mean = Array.from({ length: C }, (_, c) => h.reduce((acc, r) => acc + r[c], 0) / h.length);
    const rms = Array.from({ length: C }, (_, c) => Math.sqrt(h.reduce((acc, r) => acc + r[c] ** 2, 0) / h.length + 1e-6));
    const k0 = vars['head.kernel'] as number[][];
    const k1 = vars['head.kernel1'] as number[][];
    const b = vars['head.bias'] as number[];
    return b.map((bv, o) => Math.max(0, bv + mean.reduce((acc, v, c) => acc + v * k0[c][o], 0) + rms.reduce((acc, v, c) => acc + v * k1[c][o], 0)));
  });
}

describe('Conv1DEmbedding', () => {
  for (const strides of [[1, 1], [2, 1], [2, 2]]) {
    test(`matches a plain strided convolution (strides ${strides})`, () => {
      const net = new Conv1DEmbedding({ length: 23, channels: [3, 4], kernel: 3, outputs: 5, stride: strides, seed: 1 });
      // Shift the biases up so that few units are cut by the ReLUs and every path is exercised.
      for (const [name, v] of net.namedVariables()) if (name.endsWith('bias')) v.assign(tf.add(v, 0.5));
      const x = tf.randomNormal([4, 23], 0, 1, 'float32', 2) as tf.Tensor2D;
      const got = net.apply(x).arraySync();
      const want = reference(net, x.arraySync(), 3, strides);
      got.forEach((row, i) => row.forEach((v, o) => expect(v).toBeCloseTo(want[i][o], 4)));
      tf.dispose(x);
      net.dispose();
    });
  }

  test('gradients reach every variable; saving reproduces the output; short series are refused', () => {
    const net = new Conv1DEmbedding({ length: 50, seed: 3 });
    const x = tf.randomNormal([6, 50], 0, 1, 'float32', 4) as tf.Tensor2D;
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(net.apply(x))) as tf.Scalar, net.trainableVariables());
    for (const v of net.trainableVariables()) expect(tf.all(tf.isFinite(grads[v.name])).dataSync()[0]).toBe(1);
    const { json, weights } = serializeModule(net);
    const copy = deserializeModule<Conv1DEmbedding>(JSON.parse(JSON.stringify(json)), weights);
    expect(copy.apply(x).arraySync()).toEqual(net.apply(x).arraySync());
    expect(() => new Conv1DEmbedding({ length: 6, kernel: 5, channels: [4, 4] })).toThrow(/too short for 2 layers of kernel 5/);
    tf.dispose([x, ...Object.values(grads)]);
    net.dispose();
    copy.dispose();
  });

  test('meanRows: value and hand-written gradient match tf.mean over axis 0', () => {
    const x = tf.randomNormal([7, 11], 0, 1, 'float32', 5) as tf.Tensor2D;
    const w = tf.randomNormal([1, 11], 0, 1, 'float32', 6);
    expect(meanRows(x).arraySync()[0].map((v) => +v.toFixed(5))).toEqual((tf.mean(x, 0).arraySync() as number[]).map((v) => +v.toFixed(5)));
    const g1 = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(meanRows(a as tf.Tensor2D), w)))(x).arraySync() as number[][];
    const g2 = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(a, 0), w)))(x).arraySync() as number[][];
    g1.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(g2[i][j], 6)));
    tf.dispose([x, w]);
  });
});
