import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { SlidingWindowEmbedding, type SlidingWindowEmbeddingOptions } from '../../src/nn/slidingWindowEmbedding.js';
import { poolWindows } from '../../src/nn/poolWindows.js';
import { deserializeModule, serializeModule } from '../../src/io/format.js';

type Vars = Record<string, number[][] | number[]>;
const relu = (v: number) => Math.max(0, v);
/** y = relu(b + sum_i x_i K[i]) for one row x. */
const dense = (x: number[], K: number[][], b: number[]) => b.map((bv, o) => relu(x.reduce((acc, v, i) => acc + v * K[i][o], bv)));

/** Plain reference: every window through the layers, mean and max over windows, first steps, head. */
function reference(net: SlidingWindowEmbedding, rows: number[][]): number[][] {
  const vars = Object.fromEntries(net.namedVariables().map(([n, v]) => [n, v.arraySync()])) as Vars;
  const { length: L, channels: C, window: k, passThrough: m } = net;
  const layers = Object.keys(vars).filter((n) => /^layers\.\d+\.kernel$/.test(n)).length;
  return rows.map((x) => {
    const hs: number[][] = [];
    for (let t = 0; t + k <= L; t++) {
      let h: number[] = [];
      for (let j = 0; j < k; j++) for (let c = 0; c < C; c++) h.push(x[c * L + t + j]);
      for (let l = 0; l < layers; l++) h = dense(h, vars[`layers.${l}.kernel`] as number[][], vars[`layers.${l}.bias`] as number[]);
      hs.push(h);
    }
    const width = hs[0].length;
    const mean = Array.from({ length: width }, (_, u) => hs.reduce((acc, h) => acc + h[u], 0) / hs.length);
    const max = Array.from({ length: width }, (_, u) => Math.max(...hs.map((h) => h[u])));
    const first: number[] = [];
    for (let c = 0; c < C; c++) for (let i = 0; i < m; i++) first.push(x[c * L + i]);
    const blocks = [...(net.pooling === 'max' ? [] : [mean]), ...(net.pooling === 'mean' ? [] : [max]), ...(m > 0 ? [first] : [])];
    const b = vars['head.bias'] as number[];
    return b.map((bv, o) => relu(blocks.reduce((acc, block, i) => acc + block.reduce((s, v, r) => s + v * (vars[i === 0 ? 'head.kernel' : `head.kernel${i}`] as number[][])[r][o], 0), bv)));
  });
}

function shiftBiases(net: SlidingWindowEmbedding): void {
  // Few units cut by the ReLUs, so that every path is exercised.
  for (const [name, v] of net.namedVariables()) if (name.endsWith('bias')) tf.tidy(() => v.assign(tf.add(v, 0.3)));
}

describe('SlidingWindowEmbedding', () => {
  const cases: SlidingWindowEmbeddingOptions[] = [
    { length: 11, channels: 1, window: 3, width: 5, pointwiseLayers: 0, pooling: 'mean', outputs: 4 },
    { length: 9, channels: 3, window: 4, width: 6, pointwiseLayers: 2, pooling: 'both', passThrough: 3, outputs: 5 },
    { length: 7, channels: 2, window: 7, width: 4, pointwiseLayers: 1, pooling: 'max', passThrough: 1, outputs: 3 },
  ];
  for (const options of cases) {
    test(`matches a plain per-window computation (${JSON.stringify(options)})`, () => {
      const before = tf.memory().numTensors;
      const net = new SlidingWindowEmbedding({ ...options, seed: 1 });
      shiftBiases(net);
      const x = tf.randomNormal([4, net.inputDim], 0, 1, 'float32', 2) as tf.Tensor2D;
      const y = net.apply(x);
      expect(y.shape).toEqual([4, options.outputs]);
      const want = reference(net, x.arraySync());
      y.arraySync().forEach((row, i) => row.forEach((v, o) => expect(v).toBeCloseTo(want[i][o], 4)));
      tf.dispose([x, y]);
      net.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  test('the pooled features do not depend on the order of the windows; a window sees k consecutive steps only', () => {
    // Period-k input with one channel: shifting by one step permutes the windows (cyclically, on a
    // series of whole periods plus k - 1); without pass-through the output is unchanged.
    const net = new SlidingWindowEmbedding({ length: 15, window: 4, width: 8, pooling: 'both', seed: 3 });
    shiftBiases(net);
    const base = [0.3, -1.2, 2.0, 0.7];
    const series = (shift: number) => Array.from({ length: 15 }, (_, t) => base[(t + shift) % 4]);
    const x = tf.tensor2d([series(0), series(1), series(2)]);
    const y = net.apply(x).arraySync();
    y.slice(1).forEach((row) => row.forEach((v, o) => expect(v).toBeCloseTo(y[0][o], 5)));
    // The gradient of one window's pooled mean reaches exactly its k steps: perturbing step t
    // changes the output only through windows that contain t (checked via an input gradient).
    const probe = new SlidingWindowEmbedding({ length: 12, window: 3, width: 4, pointwiseLayers: 0, pooling: 'max', outputs: 2, seed: 4 });
    shiftBiases(probe);
    const z = tf.randomNormal([1, 12], 0, 1, 'float32', 5) as tf.Tensor2D;
    const g = tf.grad((a: tf.Tensor) => tf.sum(probe.apply(a as tf.Tensor2D)))(z).arraySync() as number[][];
    // Max pooling keeps one window per unit: at most 4 units x 3 steps get a gradient.
    expect(g[0].filter((v) => v !== 0).length).toBeLessThanOrEqual(12);
    tf.dispose([x, z]);
    net.dispose();
    probe.dispose();
  });

  test('gradients match autodiff of plain ops (mean and max pooling), reach every variable, and leak nothing', () => {
    const before = tf.memory().numTensors;
    const h = tf.randomNormal([3 * 5, 4], 0, 1, 'float32', 6) as tf.Tensor2D;
    const w = tf.randomNormal([3, 8], 0, 1, 'float32', 7);
    const ours = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.concat(poolWindows(a as tf.Tensor2D, 5, 'both'), 1), w)))(h).arraySync() as number[][]);
    const plain = tf.tidy(
      () =>
        tf.grad((a: tf.Tensor) => {
          const a3 = tf.reshape(a, [3, 5, 4]);
          return tf.sum(tf.mul(tf.concat([tf.mean(a3, 1), tf.max(a3, 1)], 1), w));
        })(h).arraySync() as number[][],
    );
    ours.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(plain[i][j], 5)));
    const net = new SlidingWindowEmbedding({ length: 20, channels: 2, passThrough: 2, seed: 8 });
    const x = tf.randomNormal([6, 40], 0, 1, 'float32', 9) as tf.Tensor2D;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.apply(x))) as tf.Scalar, net.trainableVariables());
    for (const v of net.trainableVariables()) {
      tf.tidy(() => {
        expect(tf.all(tf.isFinite(grads[v.name])).dataSync()[0]).toBe(1);
        expect(tf.sum(tf.abs(grads[v.name])).dataSync()[0]).toBeGreaterThan(0);
      });
    }
    tf.dispose([h, w, x, value, ...Object.values(grads)]);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('saving and loading reproduce the output exactly', () => {
    const net = new SlidingWindowEmbedding({ length: 30, channels: 3, window: 5, width: 7, pointwiseLayers: 1, pooling: 'both', passThrough: 2, outputs: 6, seed: 10 });
    const x = tf.randomNormal([5, 90], 0, 1, 'float32', 11) as tf.Tensor2D;
    const { json, weights } = serializeModule(net);
    const copy = deserializeModule<SlidingWindowEmbedding>(JSON.parse(JSON.stringify(json)), weights);
    expect(copy.toConfig()).toEqual(net.toConfig());
    expect(copy.apply(x).arraySync()).toEqual(net.apply(x).arraySync());
    tf.dispose(x);
    net.dispose();
    copy.dispose();
  });

  test('bad options and inputs are refused with clear errors', () => {
    expect(() => new SlidingWindowEmbedding({ length: 3, window: 4 })).toThrow(/window must be at most the series length 3; received 4/);
    expect(() => new SlidingWindowEmbedding({ length: 10, window: 0 })).toThrow(/window must be a positive integer; received 0/);
    expect(() => new SlidingWindowEmbedding({ length: 10, channels: 1.5 })).toThrow(/channels must be a positive integer/);
    expect(() => new SlidingWindowEmbedding({ length: 10, pointwiseLayers: -1 })).toThrow(/pointwiseLayers must be an integer >= 0; received -1/);
    expect(() => new SlidingWindowEmbedding({ length: 10, pooling: 'sum' as never })).toThrow(/pooling must be one of mean, max, both; received sum/);
    expect(() => new SlidingWindowEmbedding({ length: 10, passThrough: 11 })).toThrow(/passThrough must be an integer in \[0, 10\]; received 11/);
    const net = new SlidingWindowEmbedding({ length: 10, channels: 2, seed: 1 });
    const x = tf.zeros([2, 10]) as tf.Tensor2D;
    expect(() => net.apply(x)).toThrow(/SlidingWindowEmbedding.apply/);
    expect(() => poolWindows(x, 3, 'mean')).toThrow(/multiple of 3 rows/);
    x.dispose();
    net.dispose();
  });
});
