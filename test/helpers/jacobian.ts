import * as tf from '@tensorflow/tfjs';
import { LuDecomposition, Matrix } from 'ml-matrix';

/**
 * Per-row Jacobians of a row-wise map f: [B, D] → [B, D] by automatic differentiation.
 * Rows do not interact, so the gradient of sum_b f(x)[b, j] with respect to x gives row j of
 * every row's Jacobian at once: D gradient evaluations in all. Returns J[b][j][i] = d f_j / d x_i.
 */
export function rowJacobians(f: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D): number[][][] {
  const [B, D] = x.shape;
  const J: number[][][] = Array.from({ length: B }, () => Array.from({ length: D }, () => new Array(D).fill(0)));
  for (let j = 0; j < D; j++) {
    const g = tf.tidy(() => {
      const selector = tf.tensor2d(Array.from({ length: D }, (_, i) => Number(i === j)), [1, D]);
      return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input as tf.Tensor2D), selector)))(x);
    });
    const rows = g.arraySync() as number[][];
    g.dispose();
    for (let b = 0; b < B; b++) J[b][j] = rows[b];
  }
  return J;
}

/** log|det A| by LU decomposition (sum of log|U_ii|, which cannot overflow). */
export function logAbsDet(a: number[][]): number {
  const lu = new LuDecomposition(new Matrix(a));
  const U = lu.upperTriangularMatrix;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.log(Math.abs(U.get(i, i)));
  return s;
}
