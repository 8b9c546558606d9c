import * as tf from '@tensorflow/tfjs';
import { inverse, LuDecomposition, Matrix } from 'ml-matrix';
import { RQSplineTransform } from '../../src/bijectors/monotonic/rqSpline.js';
import type { MonotonicOutput } from '../../src/bijectors/monotonic/monotonic.js';
import { setFastGradients } from '../../src/nn/linearKernel.js';
import { tfReference } from './splineReference.js';

/**
 * Per-row Jacobians of a row-wise map f: [B, D] → [B, D] by automatic differentiation, in one
 * backward pass: each row is repeated D times (replica j of row b at b D + j), and the gradient of
 * sum_{b, j} f(x_rep)[b D + j, j] with respect to x_rep holds row j of row b's Jacobian in
 * replica j. `context` rows are repeated alike. Returns J[b][j][i] = d f_j / d x_i.
 */
export function rowJacobians(f: (x: tf.Tensor2D, context?: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D, context?: tf.Tensor2D): number[][][] {
  const [B, D] = x.shape;
  const g = tf.tidy(() => {
    const repeat = (t: tf.Tensor2D) => tf.reshape(tf.tile(tf.expandDims(t, 1), [1, D, 1]), [B * D, t.shape[1]]) as tf.Tensor2D;
    const selector = tf.tile(tf.eye(D), [B, 1]);
    const ctx = context ? repeat(context) : undefined;
    return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input as tf.Tensor2D, ctx), selector)))(repeat(x));
  });
  const rows = g.arraySync() as number[][];
  g.dispose();
  return Array.from({ length: B }, (_, b) => rows.slice(b * D, (b + 1) * D));
}

/** log|det A| by LU decomposition (sum of log|U_ii|, which cannot overflow). */
export function logAbsDet(a: number[][]): number {
  const lu = new LuDecomposition(new Matrix(a));
  const U = lu.upperTriangularMatrix;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.log(Math.abs(U.get(i, i)));
  return s;
}

/** Largest absolute row sum ||A||_inf of a square matrix, or of its inverse (`inverted`). */
export function infNorm(a: number[][], inverted = false): number {
  const m = inverted ? inverse(new Matrix(a)).to2DArray() : a;
  return Math.max(...m.map((row) => row.reduce((s, v) => s + Math.abs(v), 0)));
}

/**
 * Run `fn` with every hand-written gradient of the library replaced by plain tensor ops, so that
 * autodiff inside it is independent of the library's own derivations: dense layers use plain
 * autodiff (`setFastGradients(false)`), and every rational-quadratic spline is evaluated by the
 * test reference `tfReference` (per-bin loops in differentiable ops) instead of its kernels.
 */
export function withPlainAutodiff<T>(fn: () => T): T {
  const proto = RQSplineTransform.prototype;
  const { forward, inverse } = proto;
  const reference = (inverseDirection: boolean) =>
    function (this: RQSplineTransform, v: tf.Tensor2D, params: tf.Tensor3D): MonotonicOutput {
      const spec = { bins: this.bins, bound: this.bound, tails: this.tails, minSlope: this.minSlope, minDerivative: this.minDerivative };
      const [out, logAbsDet] = tf.tidy(() => tfReference(v, params, spec, inverseDirection));
      return { out, logAbsDet };
    };
  proto.forward = reference(false);
  proto.inverse = reference(true);
  setFastGradients(false);
  try {
    return fn();
  } finally {
    proto.forward = forward;
    proto.inverse = inverse;
    setFastGradients(true);
  }
}
