// Elementwise bijectors: known values, log-dets against float64 closed forms, Box and Softplus
// accuracy in float32 next to their bounds and for large |x|, domain errors (naming the bijector,
// the interval and the values received), constructor errors, and saving.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Bijector } from '../../src/bijectors/bijector.js';
import { Shift } from '../../src/bijectors/elementwise/shift.js';
import { Scale } from '../../src/bijectors/elementwise/scale.js';
import { ElementwiseAffine } from '../../src/bijectors/elementwise/elementwiseAffine.js';
import { Exp } from '../../src/bijectors/elementwise/exp.js';
import { Softplus } from '../../src/bijectors/elementwise/softplus.js';
import { Sigmoid } from '../../src/bijectors/elementwise/sigmoid.js';
import { Logit } from '../../src/bijectors/elementwise/logit.js';
import { Tanh } from '../../src/bijectors/elementwise/tanh.js';
import { Box } from '../../src/bijectors/elementwise/box.js';
import { log1pAccurate, nextFloat32 } from '../../src/bijectors/elementwise/stable.js';
import { deserializeModule, serializeModule } from '../../src/io/format.js';
import { withoutValidation } from '../../src/validation.js';

/** Run a direction on rows of numbers; returns plain arrays and disposes everything. */
function run(b: Bijector, direction: 'forward' | 'inverse', rows: number[][]): { out: number[][]; logDet: number[] } {
  const x = tf.tensor2d(rows);
  const r = b[direction](x);
  const res = { out: r.out.arraySync(), logDet: Array.from(r.logDet.dataSync()) };
  tf.dispose([x, r.out, r.logDet]);
  return res;
}

const col = (values: number[]) => values.map((v) => [v]);
const softplus64 = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const logSigmoid64 = (x: number) => -softplus64(-x);
const f32 = Math.fround;

describe('known values', () => {
  test('Sigmoid(0) = 1/2 with log-det 2 log(1/2); Logit(1/4) = -log 3 and undoes Sigmoid', () => {
    const s = new Sigmoid();
    const r = run(s, 'forward', [[0, 2]]);
    expect(r.out[0][0]).toBe(0.5);
    expect(r.out[0][1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 7);
    expect(r.logDet[0]).toBeCloseTo(2 * Math.log(0.5) + logSigmoid64(2) + logSigmoid64(-2), 6);
    const l = new Logit();
    const back = run(l, 'forward', [[0.25, r.out[0][1]]]);
    expect(back.out[0][0]).toBeCloseTo(-Math.log(3), 6);
    expect(back.out[0][1]).toBeCloseTo(2, 5);
    expect(back.logDet[0]).toBeCloseTo(-(Math.log(0.25 * 0.75) + Math.log(r.out[0][1] * (1 - r.out[0][1]))), 5);
    s.dispose();
    l.dispose();
  });

  test('Box maps 0 to the midpoint of every column, with log-det log((high - low) / 4)', () => {
    const b = new Box({ low: [-2, 0, 10], high: [3, 1, 30] });
    expect(b.dim).toBe(3);
    const r = run(b, 'forward', [[0, 0, 0]]);
    expect(r.out[0]).toEqual([0.5, 0.5, 20]);
    expect(r.logDet[0]).toBeCloseTo(Math.log(5 / 4) + Math.log(1 / 4) + Math.log(20 / 4), 6);
    b.dispose();
  });

  test('Softplus: value and log-det against log(1 + e^x) and log sigmoid(x) in float64', () => {
    const xs = [-80, -30, -10, -1, 0, 0.5, 3, 20, 80];
    const r = run(new Softplus(), 'forward', col(xs));
    xs.forEach((x, i) => {
      const y = softplus64(x);
      expect(Math.abs(r.out[i][0] - y) / y, `softplus(${x})`).toBeLessThan(1e-6);
      expect(r.logDet[i], `log-det at ${x}`).toBeCloseTo(logSigmoid64(x), 5);
    });
    // Inverse: x back from y, log-det -log(1 - e^{-y}).
    const ys = [1e-30, 1e-6, 0.3, 2, 50];
    const i = run(new Softplus(), 'inverse', col(ys));
    ys.forEach((y, k) => {
      const x = y + Math.log(-Math.expm1(-y));
      expect(i.out[k][0], `inverse at ${y}`).toBeCloseTo(x, 4);
      expect(i.logDet[k]).toBeCloseTo(-Math.log(-Math.expm1(-y)), 4);
    });
  });

  test('Tanh: value and log-det against float64 for |x| up to 30', () => {
    const xs = [-30, -9, -3, -0.2, 0, 1e-5, 0.7, 4, 12, 30];
    const r = run(new Tanh(), 'forward', col(xs));
    xs.forEach((x, i) => {
      expect(r.out[i][0]).toBeCloseTo(Math.max(-f32(1 - 2 ** -24), Math.min(f32(1 - 2 ** -24), Math.tanh(x))), 7);
      // log(1 - tanh^2) = log(4) - 2|x| - 2 log1p(e^{-2|x|}): finite for any x.
      const exact = Math.log(4) - 2 * Math.abs(x) - 2 * Math.log1p(Math.exp(-2 * Math.abs(x)));
      expect(r.logDet[i], `log-det at ${x}`).toBeCloseTo(exact, 4);
    });
    const small = run(new Tanh(), 'inverse', col([1e-7, -0.5, 0.999]));
    expect(small.out[0][0] / 1e-7).toBeCloseTo(1, 5); // atanh keeps relative precision near 0
    expect(small.out[1][0]).toBeCloseTo(Math.atanh(-0.5), 6);
    expect(small.out[2][0]).toBeCloseTo(Math.atanh(f32(0.999)), 4);
  });

  test('Exp, Shift, Scale, ElementwiseAffine', () => {
    const e = run(new Exp(), 'forward', [[1, -2]]);
    expect(e.out[0][0]).toBeCloseTo(Math.E, 6);
    expect(e.logDet[0]).toBeCloseTo(-1, 6);
    const shift = new Shift(1.5);
    expect(shift.dim).toBeUndefined();
    expect(run(shift, 'forward', [[1, 2, 3]]).out[0]).toEqual([2.5, 3.5, 4.5]);
    expect(new Shift([1, 2]).dim).toBe(2);
    const scale = run(new Scale([2, 0.5, 4]), 'forward', [[1, 1, 1]]);
    expect(scale.out[0]).toEqual([2, 0.5, 4]);
    expect(scale.logDet[0]).toBeCloseTo(Math.log(4), 6);
    expect(run(new Scale(3), 'inverse', [[3, 6]]).logDet[0]).toBeCloseTo(-2 * Math.log(3), 6);
    const affine = new ElementwiseAffine({ dim: 2, shift: [1, -1], scale: 2 });
    const a = run(affine, 'forward', [[1, 2]]);
    expect(a.out[0]).toEqual([3, 3]);
    expect(a.logDet[0]).toBeCloseTo(2 * Math.log(2), 6);
    expect(affine.trainableVariables().length).toBe(2);
    const fixed = new ElementwiseAffine({ dim: 2, trainable: false });
    expect(fixed.trainableVariables().length).toBe(0);
    expect(fixed.variables().length).toBe(2);
  });
});

describe('float32 accuracy next to the bounds and for large |x|', () => {
  const xs = [-30, -20, -16, -10, -3, -1e-4, 0, 1e-4, 3, 10, 16, 20, 30];

  for (const [low, high] of [[-2, 3], [0, 1], [0, 10], [-1e-3, 5e3]] as const) {
    test(`Box(${low}, ${high}): y within float32 resolution of the exact value, strictly inside, exact log-det`, () => {
      const w = high - low;
      const b = new Box({ low, high });
      const r = run(b, 'forward', col(xs));
      xs.forEach((x, i) => {
        const y = r.out[i][0];
        const exact = x > 0 ? high - w / (1 + Math.exp(x)) : low + w / (1 + Math.exp(-x));
        expect(y, `x = ${x}`).toBeGreaterThan(f32(low));
        expect(y, `x = ${x}`).toBeLessThan(f32(high));
        // y is computed from the nearer bound: its error is a few float32 spacings of that bound
        // (stored as float32) and of y itself, so it is relative next to a bound at 0.
        const spacing = (v: number) => Math.abs(nextFloat32(Math.abs(v), Infinity) - f32(Math.abs(v)));
        const tol = 4 * (spacing(exact) + spacing(x > 0 ? high : low));
        expect(Math.abs(y - exact), `x = ${x}: y = ${y}, exact ${exact}`).toBeLessThanOrEqual(tol);
        const logDet = Math.log(w) + logSigmoid64(x) + logSigmoid64(-x);
        expect(Math.abs(r.logDet[i] - logDet), `log-det at ${x}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(logDet)));
      });
      b.dispose();
    });

    test(`Box(${low}, ${high}): the inverse is exact for the float32 values next to the bounds`, () => {
      const w = high - low;
      const b = new Box({ low, high });
      const ys = [
        nextFloat32(low, high), nextFloat32(nextFloat32(low, high), high), f32(low + w * 1e-6), f32(low + w * 1e-3),
        f32(low + w / 2), f32(high - w * 1e-3), f32(high - w * 1e-6), nextFloat32(high, low),
      ];
      const r = run(b, 'inverse', col(ys));
      ys.forEach((y, i) => {
        // float64, on the float32 input and the float32 bounds the bijector holds.
        const [lo, hi] = [f32(low), f32(high)];
        const x = Math.log(y - lo) - Math.log(hi - y);
        expect(Math.abs(r.out[i][0] - x), `y = ${y}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(x)));
        const logDet = Math.log(w) - Math.log(y - lo) - Math.log(hi - y);
        expect(Math.abs(r.logDet[i] - logDet), `log-det at y = ${y}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(logDet)));
      });
      b.dispose();
    });
  }

  test('Box(0, 10): the round trip recovers x = -30 .. -16 (values next to a bound at 0 keep their precision)', () => {
    const b = new Box({ low: 0, high: 10 });
    const ys = run(b, 'forward', col([-30, -25, -16]));
    const back = run(b, 'inverse', ys.out);
    [-30, -25, -16].forEach((x, i) => expect(back.out[i][0]).toBeCloseTo(x, 4));
    b.dispose();
  });

  test('saturated outputs stay strictly inside, so they have a finite inverse and log-det', () => {
    const b = new Box({ low: -2, high: 3 });
    const r = run(b, 'forward', col([-100, 40, 100]));
    expect(r.out.map((v) => v[0])).toEqual([nextFloat32(-2, 3), nextFloat32(3, -2), nextFloat32(3, -2)]);
    const back = run(b, 'inverse', r.out);
    back.out.forEach((v) => expect(Number.isFinite(v[0])).toBe(true));
    back.logDet.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    const s = run(new Sigmoid(), 'forward', col([-200, 200]));
    expect(s.out[0][0]).toBeGreaterThan(0);
    expect(s.out[1][0]).toBeLessThan(1);
    b.dispose();
  });

  test('log1pAccurate keeps relative precision where tf.log1p on wasm does not', () => {
    const us = [1e-30, 1e-7, -1e-7, 1e-3, 0.09, -0.09, 0.5, -0.9, 5];
    const u = tf.tensor1d(us);
    const got = log1pAccurate(u).dataSync();
    us.forEach((v, i) => expect(Math.abs(got[i] / Math.log1p(v) - 1), `log1p(${v})`).toBeLessThan(2e-6));
    u.dispose();
  });
});

describe('domain errors name the bijector, the interval and the values received', () => {
  const cases: [string, () => Bijector, 'forward' | 'inverse', number[][], RegExp][] = [
    ['Exp', () => new Exp(), 'inverse', [[1, -1], [2, 0.5]], /^Exp\.inverse: input must lie in \(0, Infinity\); received values from -1 to 2$/],
    ['Softplus', () => new Softplus(), 'inverse', [[0, 1]], /^Softplus\.inverse: input must lie in \(0, Infinity\); received values from 0 to 1$/],
    ['Sigmoid', () => new Sigmoid(), 'inverse', [[0.5, 1]], /^Sigmoid\.inverse: input must lie in \(0, 1\); received values from 0\.5 to 1$/],
    ['Logit', () => new Logit(), 'forward', [[1.5, 0.2]], /^Logit\.forward: input must lie in \(0, 1\); received values from 0\.2\d* to 1\.5$/],
    ['Tanh', () => new Tanh(), 'inverse', [[-1, 0]], /^Tanh\.inverse: input must lie in \(-1, 1\); received values from -1 to 0$/],
    ['Box', () => new Box({ low: -2, high: 3 }), 'inverse', [[3.5, 0]], /^Box\.inverse: input must lie in \(-2, 3\); received values from 0 to 3\.5$/],
    ['Box per column', () => new Box({ low: [0, -1], high: [1, 5] }), 'inverse', [[0.5, 6]], /^Box\.inverse: input must lie in \(\[0, -1\], \[1, 5\]\); received values from 0\.5 to 6$/],
  ];
  for (const [name, make, direction, rows, pattern] of cases) {
    test(name, () => {
      const b = make();
      const x = tf.tensor2d(rows);
      expect(() => b[direction](x)).toThrow(pattern);
      // Value checks are off inside withoutValidation: no error (the output is then NaN or infinite).
      const r = withoutValidation(() => b[direction](x));
      tf.dispose([x, r.out, r.logDet]);
      b.dispose();
    });
  }

  test('constructor errors name the class and the value received', () => {
    expect(() => new Scale(-1)).toThrow(/^Scale: scale must be a positive finite number.*received -1/);
    expect(() => new Scale([1, 0])).toThrow(/^Scale: .*received \[1,0\]/);
    expect(() => new Shift(Number.NaN)).toThrow(/^Shift: shift must be .*received null/);
    expect(() => new Box({ low: 1, high: 1 })).toThrow(/^Box: need finite low < high in every dimension; dimension 0 has low 1, high 1/);
    expect(() => new Box({ low: [0, 0], high: [1] })).toThrow(/^Box: low and high must be numbers or arrays of one common/);
    expect(() => new ElementwiseAffine({ dim: 2, shift: [1, 2, 3] })).toThrow(/^ElementwiseAffine: shift must be a finite number or 2 finite numbers; received \[1,2,3\]/);
    expect(() => new ElementwiseAffine({ dim: 2, scale: 0 })).toThrow(/^ElementwiseAffine: scale must be positive; received 0/);
  });
});

describe('saving', () => {
  const makers: [string, () => Bijector, number[][]][] = [
    ['Shift', () => new Shift([1, -2]), [[0.3, 0.4]]],
    ['Scale', () => new Scale(2.5), [[0.3, 0.4]]],
    ['ElementwiseAffine', () => new ElementwiseAffine({ dim: 2, shift: [0.1, 0.2], scale: [3, 0.5] }), [[0.3, 0.4]]],
    ['Exp', () => new Exp(), [[0.3, 0.4]]],
    ['Softplus', () => new Softplus(), [[0.3, 0.4]]],
    ['Sigmoid', () => new Sigmoid(), [[0.3, 0.4]]],
    ['Logit', () => new Logit(), [[0.3, 0.4]]],
    ['Tanh', () => new Tanh(), [[0.3, 0.4]]],
    ['Box', () => new Box({ low: [0, -1], high: [1, 4] }), [[0.3, 0.4]]],
  ];
  for (const [name, make, rows] of makers) {
    test(`${name}: a reloaded bijector gives identical outputs in both directions`, () => {
      const b = make();
      const { json, weights } = serializeModule(b);
      const copy = deserializeModule<Bijector>(JSON.parse(JSON.stringify(json)), weights);
      expect(copy.constructor.name).toBe(name);
      for (const direction of ['forward', 'inverse'] as const) {
        expect(run(copy, direction, rows)).toEqual(run(b, direction, rows));
      }
      b.dispose();
      copy.dispose();
    });
  }
});
