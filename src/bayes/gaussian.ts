/**
 * Host-side multivariate Gaussian algebra for the exact references (float64, ml-matrix): the
 * log-determinant and inverse of a symmetric positive-definite matrix by Cholesky, exact draws,
 * and the closed-form KL divergence between two Gaussians,
 *   KL(N(m1, S1) || N(m2, S2)) = (tr(S2^-1 S1) + (m2 - m1)' S2^-1 (m2 - m1) - d + log|S2| - log|S1|) / 2.
 */
import { CholeskyDecomposition, Matrix, inverse } from 'ml-matrix';
import type { Random } from '../random.js';

/** The Cholesky factor L (S = L L') of a symmetric positive-definite matrix; throws otherwise. */
export function choleskyFactor(where: string, s: number[][]): Matrix {
  const chol = new CholeskyDecomposition(new Matrix(s));
  if (!chol.isPositiveDefinite()) throw new Error(`${where}: the matrix must be symmetric positive definite; it is not (size ${s.length})`);
  return chol.lowerTriangularMatrix;
}

/** log |S| of a symmetric positive-definite matrix. */
export function logDetSpd(s: number[][]): number {
  const l = choleskyFactor('logDetSpd', s);
  let out = 0;
  for (let i = 0; i < s.length; i++) out += 2 * Math.log(l.get(i, i));
  return out;
}

/** S^-1 of a symmetric positive-definite matrix (symmetrised). */
export function inverseSpd(s: number[][]): number[][] {
  const inv = inverse(new Matrix(s)).to2DArray();
  return inv.map((row, i) => row.map((v, j) => (v + inv[j][i]) / 2));
}

/** KL(N(m1, S1) || N(m2, S2)) in closed form (see the file comment). */
export function gaussianKL(m1: number[], s1: number[][], m2: number[], s2: number[][]): number {
  const d = m1.length;
  const p2 = inverseSpd(s2);
  let trace = 0;
  let quad = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      trace += p2[i][j] * s1[j][i];
      quad += (m2[i] - m1[i]) * p2[i][j] * (m2[j] - m1[j]);
    }
  }
  return 0.5 * (trace + quad - d + logDetSpd(s2) - logDetSpd(s1));
}

/** n exact draws from N(m, S) (rows), by m + L z. */
export function sampleGaussian(m: number[], s: number[][], n: number, random: Random): number[][] {
  const l = choleskyFactor('sampleGaussian', s).to2DArray();
  const d = m.length;
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: d }, () => random.normal());
    return m.map((mi, i) => {
      let v = mi;
      for (let k = 0; k <= i; k++) v += l[i][k] * z[k];
      return v;
    });
  });
}

/** A diagonal matrix with the given entries. */
export function diagonalMatrix(values: ArrayLike<number>): number[][] {
  return Array.from({ length: values.length }, (_, i) => Array.from({ length: values.length }, (_, j) => (i === j ? values[i] : 0)));
}

/**
 * The smallest KL(q || N(m, S)) over fully factorised Gaussians q (the mean-field optimum, Bishop
 * 2006, section 10.1.2): q has mean m and variances 1 / (S^-1)_ii, and
 *   KL = (sum_i log (S^-1)_ii + log |S|) / 2,
 * zero exactly when S is diagonal.
 */
export function meanFieldOptimalKL(s: number[][]): number {
  const precision = inverseSpd(s);
  return 0.5 * (precision.reduce((acc, row, i) => acc + Math.log(row[i]), 0) + logDetSpd(s));
}
