// ActNorm (data-dependent initialisation, once, kept through saving) and BatchNorm (batch
// statistics in training mode with gradients through them, running statistics moved by the
// momentum, evaluation mode), beyond what the property suites check in evaluation mode.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ActNorm } from '../../src/bijectors/norm/actNorm.js';
import { BatchNorm } from '../../src/bijectors/norm/batchNorm.js';
import { deserializeModule, serializeModule } from '../../src/io/format.js';

/** A [n, d] batch with column means `mean` and standard deviations `sd` (before sampling noise). */
function batch(n: number, mean: number[], sd: number[], seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.mul(tf.randomNormal([n, mean.length], 0, 1, 'float32', seed), sd), mean) as tf.Tensor2D);
}

/** Column means and population standard deviations, in float64. */
function moments(rows: number[][]): { mean: number[]; sd: number[] } {
  const n = rows.length;
  const mean = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const sd = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / n));
  return { mean, sd };
}

describe('ActNorm', () => {
  test('the first inverse call maps its batch to mean 0 and sd 1 per column, and initialises only once', () => {
    const a = new ActNorm({ dim: 3 });
    expect(a.initialized).toBe(false);
    const y = batch(200, [5, -3, 0.1], [2, 0.5, 10], 1);
    const first = a.inverse(y);
    expect(a.initialized).toBe(true);
    const m = moments(first.out.arraySync());
    m.mean.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    m.sd.forEach((v) => expect(v).toBeCloseTo(1, 4));
    const params = [a.logScale.arraySync(), a.shift.arraySync()];
    // log-det = -sum log sd of the batch.
    const sdY = moments(y.arraySync()).sd;
    expect(first.logDet.dataSync()[0]).toBeCloseTo(-sdY.reduce((s, v) => s + Math.log(v), 0), 4);
    const other = batch(50, [0, 0, 0], [1, 1, 1], 2);
    const second = a.inverse(other);
    expect([a.logScale.arraySync(), a.shift.arraySync()]).toEqual(params);
    tf.dispose([y, other, first.out, first.logDet, second.out, second.logDet]);
    a.dispose();
  });

  test('initialize(data) sets the parameters explicitly; forward before it does not initialise', () => {
    const a = new ActNorm({ dim: 2 });
    const x = batch(4, [0, 0], [1, 1], 3);
    tf.dispose(Object.values(a.forward(x)));
    expect(a.initialized).toBe(false);
    const y = batch(100, [1, 2], [3, 4], 4);
    a.initialize(y);
    expect(a.initialized).toBe(true);
    const m = moments(y.arraySync());
    expect(Array.from(a.shift.dataSync()).map((v, i) => v - m.mean[i]).every((d) => Math.abs(d) < 1e-5)).toBe(true);
    expect(Array.from(a.logScale.dataSync()).map((v, i) => v - Math.log(m.sd[i])).every((d) => Math.abs(d) < 1e-5)).toBe(true);
    tf.dispose([x, y]);
    a.dispose();
  });

  test('the flag is a saved, non-trainable variable: a reloaded ActNorm does not re-initialise', () => {
    const a = new ActNorm({ dim: 2 });
    const y = batch(64, [3, -1], [2, 2], 5);
    a.initialize(y);
    expect(a.trainableVariables().length).toBe(2);
    expect(a.variables().length).toBe(3);
    const { json, weights } = serializeModule(a);
    const copy = deserializeModule<ActNorm>(JSON.parse(JSON.stringify(json)), weights);
    const z = batch(32, [100, 100], [50, 50], 6);
    tf.dispose(Object.values(copy.inverse(z)));
    expect(copy.shift.arraySync()).toEqual(a.shift.arraySync());
    expect(copy.logScale.arraySync()).toEqual(a.logScale.arraySync());
    tf.dispose([y, z]);
    a.dispose();
    copy.dispose();
  });

  test('initialising from one row is an error naming ActNorm.initialize', () => {
    const a = new ActNorm({ dim: 2 });
    const one = tf.tensor2d([[1, 2]]);
    expect(() => a.inverse(one)).toThrow(/^ActNorm\.initialize: data must have at least 2 rows to estimate a variance; received shape \[1, 2\]/);
    tf.dispose(one);
    a.dispose();
  });
});

describe('BatchNorm', () => {
  test('training mode: the batch maps to mean beta and sd exp(gamma); log-det uses the batch variance', () => {
    const b = new BatchNorm({ dim: 2 });
    tf.tidy(() => {
      b.gamma.assign(tf.tensor1d([0.5, -1]));
      b.beta.assign(tf.tensor1d([1, 2]));
    });
    const y = batch(100, [4, -2], [3, 0.2], 7);
    const r = b.inverse(y);
    const m = moments(r.out.arraySync());
    expect(m.mean[0]).toBeCloseTo(1, 4);
    expect(m.mean[1]).toBeCloseTo(2, 4);
    expect(m.sd[0]).toBeCloseTo(Math.exp(0.5), 3);
    expect(m.sd[1]).toBeCloseTo(Math.exp(-1), 3);
    const sdY = moments(y.arraySync()).sd;
    const expected = 0.5 - 1 - 0.5 * (Math.log(sdY[0] ** 2 + 1e-5) + Math.log(sdY[1] ** 2 + 1e-5));
    r.logDet.dataSync().forEach((v) => expect(v).toBeCloseTo(expected, 4));
    tf.dispose([y, r.out, r.logDet]);
    b.dispose();
  });

  test('running statistics move by the momentum (unbiased variance); evaluation mode uses them', () => {
    const b = new BatchNorm({ dim: 2, momentum: 0.2 });
    const y = batch(10, [5, -5], [2, 3], 8);
    const rows = y.arraySync();
    tf.dispose(Object.values(b.inverse(y)));
    const m = moments(rows);
    const unbiased = m.sd.map((s) => (s * s * 10) / 9);
    Array.from(b.runningMean.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(0.2 * m.mean[j], 5));
    Array.from(b.runningVar.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(0.8 + 0.2 * unbiased[j], 4));
    expect(b.trainableVariables().length).toBe(2);

    b.eval();
    const rm = Array.from(b.runningMean.dataSync());
    const rv = Array.from(b.runningVar.dataSync());
    const r = b.inverse(y);
    r.out.arraySync().forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo((rows[i][j] - rm[j]) / Math.sqrt(rv[j] + 1e-5), 4)),
    );
    expect(Array.from(b.runningMean.dataSync())).toEqual(rm); // not updated in evaluation mode
    const back = b.forward(r.out);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(back.out, y))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([y, r.out, r.logDet, back.out, back.logDet]);
    b.dispose();
  });

  test('forward uses the running statistics in training mode too', () => {
    const b = new BatchNorm({ dim: 1 });
    tf.tidy(() => {
      b.runningMean.assign(tf.tensor1d([3]));
      b.runningVar.assign(tf.tensor1d([4]));
    });
    const x = tf.tensor2d([[1], [-1]]);
    const r = b.forward(x);
    expect(b.training).toBe(true);
    r.out.dataSync().forEach((v, i) => expect(v).toBeCloseTo(3 + (i === 0 ? 1 : -1) * Math.sqrt(4 + 1e-5), 5));
    r.logDet.dataSync().forEach((v) => expect(v).toBeCloseTo(0.5 * Math.log(4 + 1e-5), 5));
    tf.dispose([x, r.out, r.logDet]);
    b.dispose();
  });

  test('training mode: gradients reach gamma and beta, and flow through the batch statistics', () => {
    const b = new BatchNorm({ dim: 3 });
    const y = batch(16, [1, 2, 3], [1, 2, 3], 9);
    const { value, grads } = tf.variableGrads(() => {
      const r = b.inverse(y);
      return tf.add(tf.mean(tf.square(r.out)), tf.mean(r.logDet)) as tf.Scalar;
    });
    for (const v of [b.gamma, b.beta]) {
      expect(tf.tidy(() => tf.sum(tf.abs(grads[v.name])).dataSync()[0]), v.name).toBeGreaterThan(0);
    }
    expect(grads[b.runningMean.name]).toBeUndefined();
    // sum_i z_i = batch * beta whatever y is, when the mean is the batch mean: its gradient in y is 0.
    const gTrain = tf.grad((input: tf.Tensor) => tf.sum(b.inverse(input as tf.Tensor2D).out))(y);
    expect(tf.tidy(() => tf.max(tf.abs(gTrain)).dataSync()[0])).toBeLessThan(1e-5);
    b.eval();
    const gEval = tf.grad((input: tf.Tensor) => tf.sum(b.inverse(input as tf.Tensor2D).out))(y);
    expect(tf.tidy(() => tf.min(tf.abs(gEval)).dataSync()[0])).toBeGreaterThan(0.1);
    value.dispose();
    tf.dispose([y, gTrain, gEval, ...Object.values(grads)]);
    b.dispose();
  });

  test('training-mode inverse leaks no tensors', () => {
    const b = new BatchNorm({ dim: 2 });
    const y = batch(8, [0, 0], [1, 1], 10);
    const before = tf.memory().numTensors;
    tf.dispose(Object.values(b.inverse(y)));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(y);
    b.dispose();
  });

  test('errors: one row in training mode, bad options', () => {
    const b = new BatchNorm({ dim: 2 });
    const one = tf.tensor2d([[1, 2]]);
    expect(() => b.inverse(one)).toThrow(/^BatchNorm\.inverse: in training mode the input needs at least 2 rows .*received shape \[1, 2\]/);
    b.eval();
    tf.dispose(Object.values(b.inverse(one)));
    tf.dispose(one);
    b.dispose();
    expect(() => new BatchNorm({ dim: 2, momentum: 0 })).toThrow(/^BatchNorm: momentum must be in \(0, 1\]; received 0/);
    expect(() => new BatchNorm({ dim: 2, eps: -1 })).toThrow(/^BatchNorm: eps must be a positive finite number; received -1/);
  });

  test('saving keeps the running statistics and the options', () => {
    const b = new BatchNorm({ dim: 2, momentum: 0.5, eps: 1e-3 });
    const y = batch(20, [2, 2], [1, 1], 11);
    tf.dispose(Object.values(b.inverse(y)));
    const { json, weights } = serializeModule(b);
    const copy = deserializeModule<BatchNorm>(JSON.parse(JSON.stringify(json)), weights);
    expect([copy.momentum, copy.eps]).toEqual([0.5, 1e-3]);
    expect(copy.runningVar.arraySync()).toEqual(b.runningVar.arraySync());
    b.eval();
    tf.tidy(() => {
      expect(copy.inverse(y).out.arraySync()).toEqual(b.inverse(y).out.arraySync());
    });
    tf.dispose(y);
    b.dispose();
    copy.dispose();
  });
});
