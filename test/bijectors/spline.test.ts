// Rational-quadratic splines (Durkan et al. 2019): the identity at zero parameters, values and
// log-derivatives against a float64 reference (continuity and monotonicity across knots and at
// +-bound, both tail kinds far out), inverse accuracy next to knots, the derivative against finite
// differences, the hand-written gradients against autodiff of a plain-op reference (and finite on
// knots and in the tails), option and shape errors, saving, and the `nsf` builder end to end.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { RQSplineTransform, type RQSplineOptions } from '../../src/bijectors/monotonic/rqSpline.js';
import { monotonicFromConfig } from '../../src/bijectors/monotonic/monotonic.js';
import { ElementwiseSpline } from '../../src/bijectors/elementwise/spline.js';
import { MaskedAutoregressive } from '../../src/bijectors/maskedAutoregressive.js';
import { Coupling } from '../../src/bijectors/coupling.js';
import type { Bijector } from '../../src/bijectors/bijector.js';
import { nsf } from '../../src/flows/nsf.js';
import type { Flow } from '../../src/flows/flow.js';
import { deserializeModule, serializeModule } from '../../src/io/format.js';
import { Random } from '../../src/random.js';
import { refForward, refInverse, refKnots, tfReference } from '../helpers/splineReference.js';
import type { SplineSpec } from '../../src/bijectors/monotonic/rqSplineSpec.js';

function specOf(t: RQSplineTransform): SplineSpec {
  return { bins: t.bins, bound: t.bound, tails: t.tails, minSlope: t.minSlope, minDerivative: t.minDerivative };
}

/** Seeded raw parameters: one spline per column, `raw[i]` the P values of column i. */
function randomRaw(t: RQSplineTransform, dims: number, seed: number, scale = 1): number[][] {
  const r = new Random(seed);
  return Array.from({ length: dims }, () => Array.from({ length: t.paramsPerDim }, () => scale * r.normal()));
}

/** Params [batch, P, dim] with the same spline per column in every row. */
function paramsTensor(raw: number[][], batch: number): tf.Tensor3D {
  const P = raw[0].length;
  const D = raw.length;
  const values = new Float32Array(batch * P * D);
  for (let b = 0; b < batch; b++) for (let k = 0; k < P; k++) for (let i = 0; i < D; i++) values[(b * P + k) * D + i] = raw[i][k];
  return tf.tensor3d(values, [batch, P, D]);
}

/** The float32 next to v (a float32) in the direction of sign. */
function stepFloat32(v: number, sign: 1 | -1): number {
  if (v === 0) return sign * 2 ** -149;
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, v);
  // The bit pattern grows with |v|: one step up in magnitude or down.
  view.setInt32(0, view.getInt32(0) + (v > 0 === sign > 0 ? 1 : -1));
  return view.getFloat32(0);
}

/** Evaluate one column's spline at the given points; returns out and log-derivative arrays. */
function evalColumn(t: RQSplineTransform, raw: number[], points: number[], direction: 'forward' | 'inverse') {
  const x = tf.tensor2d(points, [points.length, 1]);
  const p = paramsTensor([raw], points.length);
  const r = t[direction](x, p);
  const res = { out: Array.from(r.out.dataSync()), logDeriv: Array.from(r.logAbsDet.dataSync()) };
  tf.dispose([x, p, r.out, r.logAbsDet]);
  return res;
}

const implementations = ['js', 'ops'] as const;

const transforms: [string, RQSplineOptions][] = [
  ['linear tails, 8 bins, bound 5', { tails: 'linear' }],
  ['identity tails, 5 bins, bound 3', { tails: 'identity', bins: 5, bound: 3 }],
  ['linear tails, 1 bin', { tails: 'linear', bins: 1, bound: 2 }],
  ['identity tails, 2 bins', { tails: 'identity', bins: 2, bound: 1 }],
];

describe('RQSplineTransform', () => {
  test('parameter counts: 3K + 1 (linear tails) and 3K - 1 (identity tails)', () => {
    expect(new RQSplineTransform({ bins: 8 }).paramsPerDim).toBe(25);
    expect(new RQSplineTransform({ bins: 8, tails: 'identity' }).paramsPerDim).toBe(23);
  });

  for (const [name, options] of transforms.flatMap(([n, o]) => implementations.map((implementation) => [`${n} (${implementation})`, { ...o, implementation }] as const))) {
    describe(name, () => {
      const t = new RQSplineTransform(options);
      const spec = specOf(t);
      const B = t.bound;

      test('all-zero raw parameters give the identity, with log-derivative 0, inside and far out', () => {
        const points = [-100, -B - 1e-3, -B, -B / 3, 0, 1e-6, B / 2, B, B + 0.5, 100];
        for (const direction of ['forward', 'inverse'] as const) {
          const r = evalColumn(t, new Array(t.paramsPerDim).fill(0), points, direction);
          r.out.forEach((v, i) => expect(Math.abs(v - points[i]), `${direction}(${points[i]})`).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(points[i]))));
          r.logDeriv.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(1e-6));
        }
      });

      test('values and log-derivatives match the float64 reference across knots, at +-bound and in the tails', () => {
        for (const [seed, raw] of randomRaw(t, 4, 11, 1.5).entries()) {
          const { xs } = refKnots(raw, spec);
          const points = [
            ...xs.flatMap((k) => [k, k - 1e-4, k + 1e-4, Math.fround(k)]),
            ...Array.from({ length: 41 }, (_, i) => -B - 2 + ((2 * B + 4) * i) / 40),
            -100, -B - 1e-5, B + 1e-5, 1e3,
          ];
          const r = evalColumn(t, raw, points, 'forward');
          points.forEach((x, i) => {
            const ref = refForward(raw, x, spec);
            expect(Math.abs(r.out[i] - ref.y), `spline ${seed}: T(${x})`).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(ref.y)));
            expect(Math.abs(r.logDeriv[i] - ref.logDeriv), `spline ${seed}: log T'(${x})`).toBeLessThanOrEqual(2e-3 + 1e-3 * Math.abs(ref.logDeriv));
          });
        }
      });

      test('monotonic and continuous (C1) on a fine grid through every knot and the bounds', () => {
        for (const raw of randomRaw(t, 3, 12, 1.5)) {
          const grid = Array.from({ length: 4001 }, (_, i) => -B - 1 + ((2 * B + 2) * i) / 4000);
          const points = [...grid, ...refKnots(raw, spec).xs.map(Math.fround)].sort((a, b) => a - b);
          const r = evalColumn(t, raw, points, 'forward');
          for (let i = 1; i < points.length; i++) {
            expect(r.out[i], `T non-decreasing at ${points[i]}`).toBeGreaterThanOrEqual(r.out[i - 1]);
            // Continuity: a jump would exceed the largest slope times the step (with rounding room).
            const maxSlope = Math.max(Math.exp(r.logDeriv[i]), Math.exp(r.logDeriv[i - 1]));
            expect(r.out[i] - r.out[i - 1]).toBeLessThanOrEqual(3 * maxSlope * (points[i] - points[i - 1]) + 2e-6);
          }
          // The derivative is continuous across knots and at +-bound: T'(k) = d_k from both sides,
          // probed at the float32 neighbours of each knot (the curvature next to a knot can be large).
          const { xs, ds } = refKnots(raw, spec);
          const sides = xs.flatMap((k) => [stepFloat32(Math.fround(k), -1), stepFloat32(Math.fround(k), 1)]);
          const s = evalColumn(t, raw, sides, 'forward');
          xs.forEach((_, j) => {
            expect(Math.exp(s.logDeriv[2 * j]) / ds[j], `T'(k_${j}-)`).toBeCloseTo(1, 1);
            expect(Math.exp(s.logDeriv[2 * j + 1]) / ds[j], `T'(k_${j}+)`).toBeCloseTo(1, 1);
          });
        }
      });

      test(`tails beyond the bound are ${options.tails === 'linear' ? 'lines with the boundary derivatives as slopes' : 'the identity'}`, () => {
        const raw = randomRaw(t, 1, 13, 1.5)[0];
        const { ys, ds } = refKnots(raw, spec);
        const far = [-1e4, -100, -B - 3, -B - 1e-3, B + 1e-3, B + 3, 100, 1e4];
        const r = evalColumn(t, raw, far, 'forward');
        far.forEach((x, i) => {
          const [slope, y0] = x < 0 ? [ds[0], -B] : [ds[ds.length - 1], ys[ys.length - 1]];
          const expected = y0 + slope * (x - Math.sign(x) * B);
          if (options.tails === 'identity') {
            expect(slope).toBe(1);
            expect(r.logDeriv[i]).toBe(0);
          }
          expect(Math.abs(r.out[i] - expected), `T(${x})`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expected)) + 1e-5);
          expect(r.logDeriv[i]).toBeCloseTo(Math.log(slope), 5);
        });
        const back = evalColumn(t, raw, r.out, 'inverse');
        back.out.forEach((x, i) => expect(Math.abs(x - far[i])).toBeLessThanOrEqual(1e-6 * Math.abs(far[i]) + 1e-5));
        back.logDeriv.forEach((l, i) => expect(l).toBeCloseTo(-r.logDeriv[i], 5));
      });

      test('the inverse is accurate at and next to knots and bin edges (against float64 bisection)', () => {
        for (const raw of randomRaw(t, 3, 14)) {
          const { ys } = refKnots(raw, spec);
          const points = ys.flatMap((k) => [k, Math.fround(k), k - 1e-5, k + 1e-5, k - 1e-2, k + 1e-2]).filter((v) => Math.abs(v) <= B + 0.1);
          const r = evalColumn(t, raw, points, 'inverse');
          points.forEach((y, i) => {
            const x = refInverse(raw, y, spec);
            const slope = Math.exp(refForward(raw, x, spec).logDeriv);
            // float32 resolves y to about 1e-7 |y|; the error in x is that divided by T'(x).
            expect(Math.abs(r.out[i] - x), `T^-1(${y})`).toBeLessThanOrEqual(1e-5 + (3e-7 * (1 + Math.abs(y))) / slope);
          });
          const fwd = evalColumn(t, raw, r.out, 'forward');
          fwd.out.forEach((y, i) => expect(Math.abs(y - points[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(points[i]))));
        }
      });

      test('the log-derivative agrees with a central finite difference of the spline', () => {
        const raw = randomRaw(t, 1, 15)[0];
        const h = 1e-3;
        const points = Array.from({ length: 25 }, (_, i) => -B - 1 + ((2 * B + 2) * (i + 0.37)) / 25);
        const center = evalColumn(t, raw, points, 'forward');
        const plus = evalColumn(t, raw, points.map((x) => x + h), 'forward');
        const minus = evalColumn(t, raw, points.map((x) => x - h), 'forward');
        points.forEach((x, i) => {
          const fd = (plus.out[i] - minus.out[i]) / (2 * h);
          const d = Math.exp(center.logDeriv[i]);
          expect(Math.abs(fd - d), `T'(${x}): finite difference ${fd}, spline ${d}`).toBeLessThanOrEqual(2e-2 * d + 2e-3);
        });
      });
    });
  }
});

describe('hand-written gradients', () => {
  for (const [name, options] of transforms.slice(0, 2).flatMap(([n, o]) => implementations.map((implementation) => [`${n} (${implementation})`, { ...o, implementation }] as const))) {
    test(`${name}: forward and inverse match autodiff of a plain-op reference`, () => {
      const t = new RQSplineTransform(options);
      const spec = specOf(t);
      const B = t.bound;
      const r = new Random(21);
      const batch = 16;
      const D = 3;
      const params = tf.tensor3d(Array.from({ length: batch * t.paramsPerDim * D }, () => 1.2 * r.normal()), [batch, t.paramsPerDim, D]);
      const inputs = tf.tensor2d(Array.from({ length: batch * D }, (_, i) => (i % 7 === 0 ? 2.5 * B * (r.uniform() - 0.5) * 2 : B * (2 * r.uniform() - 1))), [batch, D]);
      const gy = tf.randomNormal([batch, D], 0, 1, 'float32', 3);
      const gl = tf.randomNormal([batch, D], 0, 1, 'float32', 4);
      for (const inverse of [false, true]) {
        const v = inverse ? tf.tidy(() => t.forward(inputs, params).out) : inputs;
        const loss = (f: (a: tf.Tensor2D, p: tf.Tensor3D) => [tf.Tensor, tf.Tensor]) => (a: tf.Tensor, p: tf.Tensor) => {
          const [o, l] = f(a as tf.Tensor2D, p as tf.Tensor3D);
          return tf.add(tf.sum(tf.mul(gy, o)), tf.sum(tf.mul(gl, l))) as tf.Scalar;
        };
        const mine = tf.grads(loss((a, p) => {
          const o = inverse ? t.inverse(a, p) : t.forward(a, p);
          return [o.out, o.logAbsDet];
        }))([v, params]);
        const theirs = tf.grads(loss((a, p) => tfReference(a, p, spec, inverse)))([v, params]);
        for (let k = 0; k < 2; k++) {
          const a = mine[k].dataSync();
          const b = theirs[k].dataSync();
          const scale = Math.max(...Array.from(b, Math.abs));
          // Both are float32: where T' ~ 1e-4 they differ by up to 2e-3 relative (each about 1e-3
          // from a float64 finite difference); a wrong formula term gives O(1) errors.
          for (let i = 0; i < a.length; i++) {
            expect(Math.abs(a[i] - b[i]), `${inverse ? 'inverse' : 'forward'} d/d${k ? 'params' : 'input'}[${i}]`).toBeLessThanOrEqual(3e-3 * Math.abs(b[i]) + 1e-5 * scale);
          }
        }
        tf.dispose([...mine, ...theirs]);
        if (inverse) v.dispose();
      }
      tf.dispose([params, inputs, gy, gl]);
    });
  }

  test('gradients are finite with inputs exactly on knots, at +-bound and far in the tails', () => {
    for (const [, options] of transforms.flatMap(([n, o]) => implementations.map((implementation) => [n, { ...o, implementation }] as const))) {
      const t = new RQSplineTransform(options);
      const B = t.bound;
      // Zero parameters put the knots at exact float32 values -B + 2B j / K.
      const knots = Array.from({ length: t.bins + 1 }, (_, j) => -B + (2 * B * j) / t.bins);
      const values = [...knots, -1e4, -B - 1e-3, B + 1e-3, 1e4];
      for (const scale of [0, 1]) {
        const raw = scale === 0 ? [new Array(t.paramsPerDim).fill(0)] : randomRaw(t, 1, 31);
        const points = scale === 0 ? values : [...values, ...refKnots(raw[0], specOf(t)).xs.map(Math.fround)];
        const x = tf.tensor2d(points, [points.length, 1]);
        const p = paramsTensor(raw, points.length);
        for (const direction of ['forward', 'inverse'] as const) {
          const g = tf.grads((a: tf.Tensor, q: tf.Tensor) => {
            const o = t[direction](a as tf.Tensor2D, q as tf.Tensor3D);
            return tf.add(tf.sum(o.out), tf.sum(o.logAbsDet)) as tf.Scalar;
          })([x, p]);
          for (const gi of g) expect(tf.tidy(() => tf.all(tf.isFinite(gi)).dataSync()[0]), `${direction}, ${options.tails}`).toBe(1);
          tf.dispose(g);
        }
        tf.dispose([x, p]);
      }
    }
  });

  test('no tensor leaks through forward, inverse and their gradients', () => {
    for (const implementation of implementations) {
      const t = new RQSplineTransform({ tails: 'identity', implementation });
      const x = tf.randomNormal([5, 2]) as tf.Tensor2D;
      const p = tf.randomNormal([5, t.paramsPerDim, 2]) as tf.Tensor3D;
      const before = tf.memory().numTensors;
      for (const direction of ['forward', 'inverse'] as const) {
        const o = t[direction](x, p);
        tf.dispose([o.out, o.logAbsDet]);
        tf.dispose(tf.grads((a: tf.Tensor, q: tf.Tensor) => tf.sum(t[direction](a as tf.Tensor2D, q as tf.Tensor3D).logAbsDet) as tf.Scalar)([x, p]));
      }
      expect(tf.memory().numTensors, implementation).toBe(before);
      tf.dispose([x, p]);
    }
  });

  test('the JavaScript and tensor-op implementations agree (values and gradients)', () => {
    for (const [name, options] of transforms) {
      const [js, ops] = implementations.map((implementation) => new RQSplineTransform({ ...options, implementation }));
      const r = new Random(41);
      const batch = 12;
      const D = 2;
      const params = tf.tensor3d(Array.from({ length: batch * js.paramsPerDim * D }, () => r.normal()), [batch, js.paramsPerDim, D]);
      const v = tf.tensor2d(Array.from({ length: batch * D }, () => 1.5 * js.bound * (2 * r.uniform() - 1)), [batch, D]);
      for (const direction of ['forward', 'inverse'] as const) {
        const [a, b] = [js, ops].map((t) =>
          tf.grads((x: tf.Tensor, p: tf.Tensor) => {
            const o = t[direction](x as tf.Tensor2D, p as tf.Tensor3D);
            return tf.add(tf.sum(tf.mul(o.out, 0.7)), tf.sum(o.logAbsDet)) as tf.Scalar;
          })([v, params]),
        );
        const [oa, ob] = [js, ops].map((t) => t[direction](v, params));
        const pairs: [tf.Tensor, tf.Tensor, string][] = [[oa.out, ob.out, 'out'], [oa.logAbsDet, ob.logAbsDet, 'log-derivative'], [a[0], b[0], 'd/dinput'], [a[1], b[1], 'd/dparams']];
        for (const [x, y, what] of pairs) {
          const xs = x.dataSync();
          const ys = y.dataSync();
          xs.forEach((val, i) => expect(Math.abs(val - ys[i]), `${name} ${direction} ${what}[${i}]`).toBeLessThanOrEqual(2e-3 * Math.abs(ys[i]) + 2e-4));
        }
        tf.dispose([...a, ...b, oa.out, oa.logAbsDet, ob.out, ob.logAbsDet]);
      }
      tf.dispose([params, v]);
    }
  });
});

describe('errors', () => {
  test('options are checked with the class name, the range and the value received', () => {
    expect(() => new RQSplineTransform({ bins: 0 })).toThrow(/RQSplineTransform: bins must be a positive integer; received 0/);
    expect(() => new RQSplineTransform({ bound: -1 })).toThrow(/RQSplineTransform: bound must be a finite number > 0; received -1/);
    expect(() => new RQSplineTransform({ tails: 'circular' as never })).toThrow(/tails must be "linear" or "identity"; received circular/);
    expect(() => new RQSplineTransform({ minSlope: 1 })).toThrow(/RQSplineTransform: minSlope must lie in \(0, 1\); received 1/);
    expect(() => new RQSplineTransform({ minDerivative: 0 })).toThrow(/minDerivative must lie in \(0, 1\); received 0/);
    expect(() => new RQSplineTransform({ implementation: 'gpu' as never })).toThrow(/implementation must be "auto", "js" or "ops"; received gpu/);
  });

  test('params of the wrong shape name the method, the expected shape and the received one', () => {
    const t = new RQSplineTransform({ bins: 4 });
    const x = tf.zeros([3, 2]) as tf.Tensor2D;
    const p = tf.zeros([3, 12, 2]) as tf.Tensor3D;
    expect(() => t.forward(x, p)).toThrow(/RQSplineTransform.forward: params must have shape \[3, 13, 2\].*received \[3, 12, 2\]/);
    expect(() => t.inverse(x, p)).toThrow(/RQSplineTransform.inverse/);
    tf.dispose([x, p]);
  });
});

describe('saving', () => {
  test('monotonicFromConfig rebuilds the transform from its config', () => {
    const t = new RQSplineTransform({ bins: 6, bound: 2.5, tails: 'identity', minSlope: 0.05, minDerivative: 0.2 });
    const copy = monotonicFromConfig(JSON.parse(JSON.stringify(t.toConfig())));
    expect(copy).toBeInstanceOf(RQSplineTransform);
    expect(copy.toConfig()).toEqual(t.toConfig());
  });

  const layers: [string, () => Bijector, number][] = [
    ['ElementwiseSpline', () => new ElementwiseSpline({ dim: 3, bins: 4, tails: 'identity', seed: 1 }), 0],
    ['ElementwiseSpline (conditional)', () => new ElementwiseSpline({ dim: 3, contextDim: 2, hidden: [8], seed: 2 }), 2],
    ['MaskedAutoregressive(spline)', () => new MaskedAutoregressive({ dim: 3, contextDim: 2, hidden: [8], transform: new RQSplineTransform({ bins: 4 }), seed: 3 }), 2],
    ['Coupling(spline)', () => new Coupling({ dim: 3, hidden: [8], transform: new RQSplineTransform({ tails: 'identity' }), seed: 4 }), 0],
  ];
  for (const [name, make, contextDim] of layers) {
    test(`${name} saves and loads to the same map`, () => {
      const b = make();
      const x = tf.randomNormal([4, 3], 0, 2, 'float32', 5) as tf.Tensor2D;
      const ctx = contextDim ? (tf.randomNormal([4, contextDim], 0, 1, 'float32', 6) as tf.Tensor2D) : undefined;
      const { json, weights } = serializeModule(b);
      const copy = deserializeModule<Bijector>(JSON.parse(JSON.stringify(json)), weights);
      const [a, c] = [b.inverse(x, ctx), copy.inverse(x, ctx)];
      expect(Array.from(c.out.dataSync())).toEqual(Array.from(a.out.dataSync()));
      expect(Array.from(c.logDet.dataSync())).toEqual(Array.from(a.logDet.dataSync()));
      tf.dispose([x, a.out, a.logDet, c.out, c.logDet]);
      ctx?.dispose();
      b.dispose();
      copy.dispose();
    });
  }
});

describe('ElementwiseSpline', () => {
  test('starts near the identity and gives each row its own spline when conditional', () => {
    const b = new ElementwiseSpline({ dim: 2, seed: 7 });
    const x = tf.tensor2d([[-7, 0.3], [2, 9]]);
    const r = b.forward(x);
    const close = tf.tidy(() => tf.max(tf.abs(tf.sub(r.out, x))).dataSync()[0]);
    expect(close).toBeLessThan(0.2);
    const c = new ElementwiseSpline({ dim: 2, contextDim: 1, hidden: [8], seed: 8 });
    for (const v of c.trainableVariables()) v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.5, 'float32', 9))));
    const same = tf.tensor2d([[1, 1], [1, 1]]);
    const ctx = tf.tensor2d([[-1], [1]]);
    const out = c.forward(same, ctx).out.arraySync();
    expect(out[0][0]).not.toBeCloseTo(out[1][0], 3);
    tf.dispose([x, r.out, r.logDet, same, ctx]);
    b.dispose();
    c.dispose();
  });
});

describe('nsf builder', () => {
  for (const coupling of [false, true]) {
    describe(coupling ? 'coupling (sbi)' : 'autoregressive (zuko)', () => {
      test('defaults: 5 spline layers with 8 bins on [-5, 5]', () => {
        const flow = nsf({ dim: 3, coupling, seed: 1 });
        const config = JSON.stringify(flow.toConfig());
        const layers = config.match(coupling ? /"type":"Coupling"/g : /"type":"MaskedAutoregressive"/g) ?? [];
        expect(layers.length).toBe(5);
        expect(config.match(/"kind":"spline","bins":8,"bound":5,"tails":"linear"/g)?.length).toBe(5);
        expect(config.includes('"hidden":[64,64]')).toBe(true);
        flow.dispose();
      });

      test('conditional: logProb [m], samples [b, n, dim], and a save round trip', () => {
        const flow = nsf({ dim: 2, contextDim: 3, hidden: [16, 16], transforms: 3, coupling, seed: 2 });
        const x = tf.randomNormal([5, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
        const ctx = tf.randomNormal([5, 3], 0, 1, 'float32', 4) as tf.Tensor2D;
        const lp = flow.logProb(x, ctx);
        expect(lp.shape).toEqual([5]);
        expect(tf.tidy(() => tf.all(tf.isFinite(lp)).dataSync()[0])).toBe(1);
        const s = flow.sample(4, { seed: 5, context: tf.tidy(() => ctx.slice([0, 0], [3, 3])) });
        expect(s.shape).toEqual([3, 4, 2]);
        const { json, weights } = serializeModule(flow);
        const copy = deserializeModule<Flow>(JSON.parse(JSON.stringify(json)), weights);
        const lp2 = copy.logProb(x, ctx);
        expect(Array.from(lp2.dataSync())).toEqual(Array.from(lp.dataSync()));
        tf.dispose([x, ctx, lp, lp2, s]);
        flow.dispose();
        copy.dispose();
      });

      test('a few Adam steps of maximum likelihood on a small conditional 2-D dataset lower the loss', () => {
        const r = new Random(6);
        const n = 128;
        const c = Array.from({ length: n }, () => 2 * r.uniform() - 1);
        // x | c: a noisy arc whose position depends on c.
        const xs = c.flatMap((ci) => {
          const a = Math.PI * (r.uniform() + 0.5 * ci);
          return [Math.cos(a) + 0.1 * r.normal(), Math.sin(a) + 0.5 * ci + 0.1 * r.normal()];
        });
        const x = tf.tensor2d(xs, [n, 2]);
        const ctx = tf.tensor2d(c, [n, 1]);
        const flow = nsf({ dim: 2, contextDim: 1, hidden: [16, 16], transforms: 2, bins: 6, bound: 3, coupling, seed: 7 });
        const optimizer = tf.train.adam(1e-2);
        const nll = () => tf.neg(tf.mean(flow.logProb(x, ctx))) as tf.Scalar;
        const first = tf.tidy(() => nll().dataSync()[0]);
        for (let i = 0; i < 30; i++) optimizer.minimize(nll, false, flow.trainableVariables());
        const last = tf.tidy(() => nll().dataSync()[0]);
        expect(Number.isFinite(last)).toBe(true);
        expect(last).toBeLessThan(first - 0.3);
        optimizer.dispose();
        flow.dispose();
        tf.dispose([x, ctx]);
      });
    });
  }
});

describe('autoregressive sampling evaluates one column per pass', () => {
  test('MaskedAutoregressive spline forward: js (one column per pass) equals ops (every column), values and gradients', () => {
    const make = (implementation: 'js' | 'ops') =>
      new MaskedAutoregressive({ dim: 3, contextDim: 2, hidden: [16], transform: new RQSplineTransform({ bins: 5, bound: 3, implementation }), seed: 4 });
    const [js, ops] = [make('js'), make('ops')];
    const z = tf.randomNormal([32, 3], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    const c = tf.randomNormal([32, 2], 0, 1, 'float32', 6) as tf.Tensor2D;
    const run = (b: MaskedAutoregressive) => {
      const vars = b.trainableVariables();
      const { value, grads } = tf.variableGrads(() => {
        const f = b.forward(z, c);
        return tf.add(tf.sum(tf.mul(f.out, tf.range(1, 97).reshape([32, 3]).div(50))), tf.sum(f.logDet)) as tf.Scalar;
      }, vars);
      const f = b.forward(z, c);
      const out = { loss: value.dataSync()[0], y: Array.from(f.out.dataSync()), logDet: Array.from(f.logDet.dataSync()), grads: vars.map((v) => Array.from(grads[v.name].dataSync())) };
      tf.dispose([value, f.out, f.logDet, ...Object.values(grads)]);
      return out;
    };
    const a = run(js);
    const b = run(ops);
    const close = (u: number[], v: number[], what: string) => u.forEach((x, i) => expect(Math.abs(x - v[i]), `${what}[${i}]`).toBeLessThan(2e-4 * (1 + Math.abs(v[i]))));
    close(a.y, b.y, 'y');
    close(a.logDet, b.logDet, 'logDet');
    a.grads.forEach((g, k) => close(g, b.grads[k], `grad ${k}`));
    // The forward pass really is the inverse of the one-pass density direction.
    const back = js.inverse(tf.tensor2d(a.y, [32, 3]), c);
    close(Array.from(back.out.dataSync()), Array.from(z.dataSync()), 'inverse(forward(z))');
    tf.dispose([z, c, back.out, back.logDet]);
    js.dispose();
    ops.dispose();
  });
});
