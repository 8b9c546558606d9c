import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/random.js';
import { c2st } from '../../../src/sbi/diagnostics/c2st.js';
import { normalCdf } from '../../../src/sbi/diagnostics/statistics.js';

/** n draws of N(shift e_1, I_d), row-major. */
function gaussian(n: number, d: number, shift: number, seed: number): { values: Float64Array; width: number } {
  const r = new Random(seed);
  const values = Float64Array.from({ length: n * d }, (_, i) => r.normal() + (i % d === 0 ? shift : 0));
  return { values, width: d };
}

const n = 2000;

describe('c2st', () => {
  it('gives about 0.5 for two samples of the same distribution', () => {
    const before = tf.memory().numTensors;
    const r = c2st(gaussian(n, 1, 0, 1), gaussian(n, 1, 0, 2), { seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.foldAccuracies).toHaveLength(5);
    expect(r.nullStdError).toBeCloseTo(Math.sqrt(0.25 / (2 * n)), 12);
    expect(r.chance).toBe(0.5);
    expect(Math.abs(r.accuracy - 0.5)).toBeLessThan(4 * r.nullStdError);
  });

  it('gives about the Bayes-optimal Φ(0.25) ≈ 0.599 for N(0, 1) vs N(0.5, 1)', () => {
    const r = c2st(gaussian(n, 1, 0, 3), gaussian(n, 1, 0.5, 4), { seed: 2 });
    const bayes = normalCdf(0.25);
    expect(bayes).toBeCloseTo(0.5987, 4);
    // Held-out accuracy fluctuates by about √(p (1 - p) / 2n) ≈ 0.008 around at most the optimum.
    expect(r.accuracy).toBeGreaterThan(bayes - 0.035);
    expect(r.accuracy).toBeLessThan(bayes + 0.025);
  });

  it('gives about 1 for separated samples, and stops early there', () => {
    const r = c2st(gaussian(n, 1, 0, 5), gaussian(n, 1, 20, 6), { seed: 3 });
    expect(r.accuracy).toBeGreaterThan(0.995);
    expect(Math.max(...r.epochs)).toBeLessThan(30);
  });

  it('is deterministic for a seed and accepts arrays of rows, tensors and unequal sizes', () => {
    const p = gaussian(300, 2, 0, 7);
    const q = gaussian(200, 2, 1, 8);
    const a = c2st(p, q, { seed: 9, maxEpochs: 10 });
    const b = c2st(p, q, { seed: 9, maxEpochs: 10 });
    expect(a.foldAccuracies).toEqual(b.foldAccuracies);
    expect(a.chance).toBeCloseTo(0.6, 12);
    const rows = (m: { values: Float64Array; width: number }) =>
      Array.from({ length: m.values.length / m.width }, (_, i) => Array.from(m.values.subarray(i * m.width, (i + 1) * m.width)));
    const qTensor = tf.tensor2d(rows(q));
    const c = c2st(rows(p), qTensor, { seed: 9, maxEpochs: 10 });
    qTensor.dispose();
    // float32 tensors round the inputs, so only approximately the same.
    expect(Math.abs(c.accuracy - a.accuracy)).toBeLessThan(0.05);
  });

  it('checks its inputs', () => {
    expect(() => c2st(gaussian(10, 2, 0, 1), gaussian(10, 3, 0, 2))).toThrow(/c2st: q must have width 2; received width 3/);
    expect(() => c2st(gaussian(3, 1, 0, 1), gaussian(10, 1, 0, 2))).toThrow(/c2st: each set needs at least folds = 5 rows/);
    expect(() => c2st([[0], [NaN], [1], [2], [3]], gaussian(10, 1, 0, 2))).toThrow(/c2st: p must be finite; row 1/);
  });
});
