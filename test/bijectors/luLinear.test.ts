// LULinear: W = P L U rebuilt in float64 in JS from the variables (its determinant against the
// reported log-det, the inverse direction against y W + b), the series inverse of the unit
// triangular factors against the identity, gradients in both directions, seeding and saving.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LuDecomposition, Matrix, inverse } from 'ml-matrix';
import { LULinear, unitTriangularInverse } from '../../src/bijectors/linear/luLinear.js';
import { deserializeModule, serializeModule } from '../../src/io/format.js';
import { Random } from '../../src/random.js';

/** Assign N(0, scale^2) draws to every trainable variable. */
function randomise(b: LULinear, seed: number, scale: number): void {
  const r = new Random(seed);
  for (const v of b.trainableVariables()) tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, scale, 'float32', r.nextSeed())));
}

/** W = P L U in float64 from the packed variable and the permutation. */
function denseW(b: LULinear): Matrix {
  const d = b.dim as number;
  const lu = b.lu.arraySync();
  const P = Matrix.zeros(d, d);
  b.permutation.forEach((src, j) => P.set(src, j, 1));
  const L = Matrix.eye(d, d);
  const U = Matrix.zeros(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (i > j) L.set(i, j, lu[i][j]);
      const diag = Math.exp(lu[i][i]);
      if (i === j) U.set(i, j, diag);
      if (i < j) U.set(i, j, diag * lu[i][j]);
    }
  }
  return P.mmul(L).mmul(U);
}

describe('LULinear', () => {
  for (const dim of [1, 2, 3, 5, 8, 9]) {
    test(`dim ${dim}: log-det = log|det W| of the dense W, inverse(y) = y W + b, forward(x) = (x - b) W^{-1}`, () => {
      const b = new LULinear({ dim, seed: dim });
      randomise(b, 100 + dim, 0.5);
      const W = denseW(b);
      const lu = new LuDecomposition(W);
      const logAbsDet = Math.log(Math.abs(lu.determinant));
      const y = tf.randomNormal([4, dim], 0, 2, 'float32', 7) as tf.Tensor2D;
      const inv = b.inverse(y);
      const fwd = b.forward(y);
      inv.logDet.dataSync().forEach((v) => expect(v).toBeCloseTo(logAbsDet, 4));
      fwd.logDet.dataSync().forEach((v) => expect(v).toBeCloseTo(-logAbsDet, 4));
      const expected = new Matrix(y.arraySync()).mmul(W).addRowVector(Array.from(b.bias.dataSync()));
      const got = inv.out.arraySync();
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected.get(i, j), 4)));
      // forward(x) = (x - b) W^{-1}, against the float64 inverse of the dense W.
      const expectedForward = new Matrix(y.arraySync()).subRowVector(Array.from(b.bias.dataSync())).mmul(inverse(W));
      fwd.out.arraySync().forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expectedForward.get(i, j), 3)));
      const back = b.inverse(fwd.out);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(back.out, y))).dataSync()[0]);
      expect(diff).toBeLessThan(1e-4);
      tf.dispose([y, inv.out, inv.logDet, fwd.out, fwd.logDet, back.out, back.logDet]);
      b.dispose();
    });
  }

  test('the series inverse of I + N (N strictly triangular) is exact for dims 1..17', () => {
    for (let d = 1; d <= 17; d++) {
      tf.tidy(() => {
        const eye = tf.eye(d) as tf.Tensor2D;
        const mask = tf.tensor2d(Array.from({ length: d * d }, (_, k) => Number(Math.floor(k / d) > k % d)), [d, d]);
        const n = tf.mul(tf.randomUniform([d, d], -0.5, 0.5, 'float32', d), mask) as tf.Tensor2D;
        const product = tf.matMul(tf.add(eye, n), unitTriangularInverse(n, eye));
        expect(tf.max(tf.abs(tf.sub(product, eye))).dataSync()[0], `dim ${d}`).toBeLessThan(1e-5);
      });
    }
  });

  test('both directions are differentiable in every variable', () => {
    const b = new LULinear({ dim: 4, seed: 3 });
    randomise(b, 5, 0.3);
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
    for (const direction of ['forward', 'inverse'] as const) {
      const { value, grads } = tf.variableGrads(() => {
        const r = b[direction](x);
        return tf.add(tf.mean(tf.square(r.out)), tf.mean(r.logDet)) as tf.Scalar;
      });
      for (const v of b.trainableVariables()) {
        const g = grads[v.name];
        expect(g, `${direction}: ${v.name}`).toBeDefined();
        expect(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]), `${direction}: ${v.name}`).toBeGreaterThan(0);
      }
      value.dispose();
      tf.dispose(Object.values(grads));
    }
    x.dispose();
    b.dispose();
  });

  test('the seed fixes the permutation and the initial weights; saving keeps both', () => {
    const a = new LULinear({ dim: 5, seed: 42 });
    const b = new LULinear({ dim: 5, seed: 42 });
    expect(a.permutation).toEqual(b.permutation);
    expect(a.lu.arraySync()).toEqual(b.lu.arraySync());
    expect(a.parameterCount()).toBe(5 * 5 + 5);
    randomise(a, 9, 0.4);
    const { json, weights } = serializeModule(a);
    const copy = deserializeModule<LULinear>(JSON.parse(JSON.stringify(json)), weights);
    expect(copy.permutation).toEqual(a.permutation);
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    tf.tidy(() => {
      expect(copy.forward(x).out.arraySync()).toEqual(a.forward(x).out.arraySync());
    });
    tf.dispose(x);
    [a, b, copy].forEach((m) => m.dispose());
  });

  test('constructor errors', () => {
    expect(() => new LULinear({ dim: 0 })).toThrow(/^LULinear: dim must be a positive integer; received 0/);
    expect(() => new LULinear({ dim: 3, permutation: [0, 0, 1] })).toThrow(/^LULinear: permutation must be a permutation of 0\.\.2; received \[0, 0, 1\]/);
  });
});
