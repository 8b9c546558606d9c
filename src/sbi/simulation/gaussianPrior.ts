/**
 * A multivariate normal prior N(mean, covariance) on plain arrays: theta = mean + L z with
 * z ~ N(0, I) and L the lower Cholesky factor of the covariance;
 * log p(theta) = -d/2 log(2 pi) - sum_i log L_ii - |L^-1 (theta - mean)|^2 / 2.
 * Unbounded (no `bounds`): NPE trains on it without the Box map.
 */
import { toRandom, type SeedLike } from '../../random.js';
import { rowCount } from '../../rows.js';
import { cholesky } from '../../cholesky.js';
import { checkDrawCount, type Prior } from './prior.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** N(mean, covariance); the covariance is d x d (array of rows or row-major), symmetric positive definite. */
export class GaussianPrior implements Prior {
  readonly dim: number;
  readonly mean: readonly number[];
  /** Unbounded support: no box (so `trainNPE({ bounds: prior.bounds })` trains without the Box map). */
  readonly bounds: undefined = undefined;
  /** Lower Cholesky factor of the covariance, row-major d x d. */
  private readonly L: Float64Array;
  private readonly logNorm: number;

  constructor(mean: readonly number[], covariance: readonly (readonly number[])[] | ArrayLike<number>) {
    const d = mean.length;
    if (d === 0 || !mean.every(Number.isFinite)) throw new Error(`GaussianPrior: mean must be a non-empty array of finite numbers; received [${mean.join(', ')}]`);
    const flat = Array.isArray(covariance) && Array.isArray(covariance[0]) ? (covariance as number[][]).flat() : Array.from(covariance as ArrayLike<number>);
    if (flat.length !== d * d) throw new Error(`GaussianPrior: covariance must be ${d} x ${d} (${d * d} numbers); received ${flat.length}`);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        if (Math.abs(flat[i * d + j] - flat[j * d + i]) > 1e-12 * (Math.abs(flat[i * d + j]) + 1)) {
          throw new Error(`GaussianPrior: covariance must be symmetric; entry (${i}, ${j}) is ${flat[i * d + j]} but (${j}, ${i}) is ${flat[j * d + i]}`);
        }
      }
    }
    const L = cholesky(flat, d);
    if (!L) throw new Error('GaussianPrior: covariance must be positive definite; its Cholesky factorisation failed');
    this.dim = d;
    this.mean = [...mean];
    this.L = L;
    let logDiag = 0;
    for (let i = 0; i < d; i++) logDiag += Math.log(L[i * d + i]);
    this.logNorm = -0.5 * d * LOG_2PI - logDiag;
  }

  sample(n: number, seed?: SeedLike): Float64Array {
    checkDrawCount('GaussianPrior.sample', n);
    const random = toRandom(seed);
    const d = this.dim;
    const out = new Float64Array(n * d);
    const z = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < d; i++) z[i] = random.normal();
      for (let i = 0; i < d; i++) {
        let v = this.mean[i];
        for (let k = 0; k <= i; k++) v += this.L[i * d + k] * z[k];
        out[r * d + i] = v;
      }
    }
    return out;
  }

  logProb(thetas: Float64Array, n?: number): Float64Array {
    const d = this.dim;
    const rows = rowCount('GaussianPrior.logProb', thetas, d, n);
    const out = new Float64Array(rows);
    const w = new Float64Array(d);
    for (let r = 0; r < rows; r++) {
      // Forward substitution: w = L^-1 (theta - mean).
      let q = 0;
      for (let i = 0; i < d; i++) {
        let v = thetas[r * d + i] - this.mean[i];
        for (let k = 0; k < i; k++) v -= this.L[i * d + k] * w[k];
        w[i] = v / this.L[i * d + i];
        q += w[i] * w[i];
      }
      out[r] = this.logNorm - 0.5 * q;
    }
    return out;
  }
}
