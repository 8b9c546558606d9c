import { afterEach, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { SlidingWindowEmbedding, type SlidingWindowEmbeddingOptions } from '../../src/nn/slidingWindowEmbedding.js';
import { fusedWindowPoolApplies, setFusedWindowKernel } from '../../src/nn/fusedWindowPool.js';

/** Output and every variable's gradient of sum(w * net(x)), with the fused kernel on or off. */
function run(net: SlidingWindowEmbedding, xs: tf.Tensor2D[], fused: boolean) {
  setFusedWindowKernel(fused);
  try {
    return tf.tidy(() => {
      const w = tf.randomNormal([xs[0].shape[0], net.outputDim], 0, 1, 'float32', 99);
      const { value, grads } = tf.variableGrads(() => tf.addN(xs.map((x) => tf.sum(tf.mul(net.apply(x), w)))) as tf.Scalar, net.trainableVariables());
      const dx = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(net.apply(x as tf.Tensor2D), w)))(xs[0]);
      return {
        value: value.dataSync()[0],
        y: net.apply(xs[0]).arraySync(),
        dx: Array.from(dx.dataSync()),
        grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, Array.from(g.dataSync())])),
      };
    });
  } finally {
    setFusedWindowKernel(true);
  }
}

function expectClose(a: number[], b: number[], what: string) {
  const scale = Math.max(1, ...b.map(Math.abs));
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  expect(worst / scale, what).toBeLessThan(2e-5);
}

describe('fused window kernel (wasm SIMD) against the tensor ops', () => {
  afterEach(() => setFusedWindowKernel(true));

  test('it is the path taken on this backend for widths that are a multiple of 8', () => {
    expect(fusedWindowPoolApplies(32)).toBe(['wasm', 'cpu'].includes(tf.getBackend()));
    expect(fusedWindowPoolApplies(12)).toBe(false);
  });

  const cases: [SlidingWindowEmbeddingOptions, number][] = [
    [{ length: 50, channels: 3, window: 4, width: 32, pointwiseLayers: 2, pooling: 'both', passThrough: 3 }, 7],
    [{ length: 11, channels: 1, window: 3, width: 8, pointwiseLayers: 0, pooling: 'mean' }, 5],
    [{ length: 9, channels: 2, window: 9, width: 16, pointwiseLayers: 1, pooling: 'max' }, 3],
    [{ length: 13, channels: 5, window: 2, width: 24, pointwiseLayers: 3, pooling: 'both' }, 1],
  ];
  for (const [options, batch] of cases) {
    test(`same outputs and gradients, batch ${batch}, ${JSON.stringify(options)}`, () => {
      const before = tf.memory().numTensors;
      const net = new SlidingWindowEmbedding({ ...options, seed: 3 });
      // Shifted biases: few units cut by the ReLUs, so that every path carries gradient.
      for (const [name, v] of net.namedVariables()) if (name.endsWith('bias')) tf.tidy(() => v.assign(tf.add(v, 0.2)));
      const x = tf.randomNormal([batch, net.inputDim], 0, 1, 'float32', 4) as tf.Tensor2D;
      const fused = run(net, [x], true);
      const plain = run(net, [x], false);
      expectClose(fused.y.flat(), plain.y.flat(), 'outputs');
      expect(plain.dx.some((g) => g !== 0)).toBe(true);
      expectClose(fused.dx, plain.dx, 'input gradient');
      for (const name of Object.keys(plain.grads)) {
        expect(plain.grads[name].some((g) => g !== 0), name).toBe(true);
        expectClose(fused.grads[name], plain.grads[name], name);
      }
      x.dispose();
      net.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  test('a backward pass whose activations a later call overwrote recomputes them', () => {
    const net = new SlidingWindowEmbedding({ length: 20, channels: 2, width: 16, seed: 5 });
    const x1 = tf.randomNormal([6, 40], 0, 1, 'float32', 6) as tf.Tensor2D;
    const x2 = tf.randomNormal([6, 40], 2, 1, 'float32', 7) as tf.Tensor2D;
    const fused = run(net, [x1, x2], true);
    const plain = run(net, [x1, x2], false);
    for (const name of Object.keys(plain.grads)) expectClose(fused.grads[name], plain.grads[name], name);
    tf.dispose([x1, x2]);
    net.dispose();
  });

  test('a batch of no series: [0, outputs] features and zero gradients (also through the dense head)', () => {
    const before = tf.memory().numTensors;
    const net = new SlidingWindowEmbedding({ length: 10, width: 8, seed: 1 });
    const x = tf.zeros([0, 10]) as tf.Tensor2D;
    for (const fused of [true, false]) {
      setFusedWindowKernel(fused);
      const y = net.apply(x);
      expect(y.shape).toEqual([0, 32]);
      const { value, grads } = tf.variableGrads(() => tf.sum(net.apply(x)) as tf.Scalar, net.trainableVariables());
      for (const [name, g] of Object.entries(grads)) expect(Array.from(g.dataSync()).every((v) => v === 0), `${name} (fused ${fused})`).toBe(true);
      tf.dispose([y, value, ...Object.values(grads)]);
    }
    x.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('inference on more series than one chunk (2 048) gives the same features', () => {
    const net = new SlidingWindowEmbedding({ length: 12, channels: 1, width: 8, seed: 8 });
    const x = tf.randomNormal([2500, 12], 0, 1, 'float32', 9) as tf.Tensor2D;
    const fused = net.apply(x);
    setFusedWindowKernel(false);
    const plain = net.apply(x);
    expectClose(Array.from(fused.dataSync()), Array.from(plain.dataSync()), 'features');
    tf.dispose([x, fused, plain]);
    net.dispose();
  });
});
