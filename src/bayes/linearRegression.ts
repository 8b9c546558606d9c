/**
 * Bayesian linear regression with known noise (C. M. Bishop, "Pattern Recognition and Machine
 * Learning", 2006, section 3.3): y = X w + e, e ~ N(0, sigma^2 I), prior w ~ N(m0, diag(s0^2)).
 * The posterior is Gaussian,
 *   S_N = (S0^-1 + X'X / sigma^2)^-1,  m_N = S_N (S0^-1 m0 + X'y / sigma^2),
 * the posterior predictive at x is N(x'm_N, sigma^2 + x'S_N x), and the evidence is
 * log p(y) = log N(y | X m0, sigma^2 I + X S0 X'). `logJoint` is the exact log p(y, w) written with
 * TF.js ops, so its normaliser is the evidence: KL(q || posterior) = log p(y) - ELBO(q) exactly.
 * The reference against which the samplers and variational families are tested.
 */
import * as tf from '@tensorflow/tfjs';
import { LOG_2PI } from '../numerics.js';
import { toRandom, type SeedLike } from '../random.js';
import { choleskyFactor, diagonalMatrix, inverseSpd, logDetSpd, sampleGaussian } from './gaussian.js';
import type { BatchLogDensity } from './logDensity.js';

/** Data and prior of {@link BayesianLinearRegression}. */
export interface LinearRegressionOptions {
  /** Design matrix [n, d] (add a column of ones for an intercept). */
  x: number[][];
  /** Responses [n]. */
  y: number[];
  /** Known noise standard deviation sigma > 0. */
  noiseSd: number;
  /** Prior mean m0 (default 0). */
  priorMean?: number | number[];
  /** Prior standard deviations s0 > 0, one or one per coefficient (default 1). */
  priorSd?: number | number[];
}

/** Check the design matrix and responses; returns n and d. */
export function checkRegressionData(where: string, x: unknown, y: unknown): { n: number; d: number } {
  if (!Array.isArray(x) || x.length === 0 || !Array.isArray(x[0]) || x[0].length === 0) {
    throw new Error(`${where}: x must be a non-empty design matrix [n, d] (nested arrays); received ${Array.isArray(x) ? `an array of ${x.length}` : typeof x}`);
  }
  const d = x[0].length;
  x.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== d || row.some((v) => !Number.isFinite(v))) {
      throw new Error(`${where}: every row of x must hold ${d} finite numbers; row ${i} does not`);
    }
  });
  if (!Array.isArray(y) || y.length !== x.length || y.some((v) => !Number.isFinite(v))) {
    throw new Error(`${where}: y must hold n = ${x.length} finite numbers; received ${Array.isArray(y) ? `${y.length} values` : typeof y}`);
  }
  return { n: x.length, d };
}

/** One value per coefficient from a number or an array, checked. */
export function perCoefficient(where: string, name: string, v: number | number[] | undefined, d: number, fallback: number, positive: boolean): number[] {
  const values = v === undefined ? new Array(d).fill(fallback) : typeof v === 'number' ? new Array(d).fill(v) : v;
  if (values.length !== d || values.some((u) => !Number.isFinite(u) || (positive && !(u > 0)))) {
    throw new Error(`${where}: ${name} must be ${positive ? 'a positive' : 'a finite'} number or ${d} of them; received ${JSON.stringify(v)}`);
  }
  return values;
}

/** The kept tensors of a regression's log joint: X' [d, n], y [n], prior mean and 1 / prior scale. */
export interface RegressionTensors {
  xt: tf.Tensor2D;
  y: tf.Tensor1D;
  m0: tf.Tensor1D;
  invScale: tf.Tensor1D;
}

/** Make (and keep) the {@link RegressionTensors}; the caller disposes them. */
export function regressionTensors(x: number[][], y: number[], priorMean: number[], priorScale: number[]): RegressionTensors {
  return tf.tidy(() => ({
    xt: tf.keep(tf.tensor2d(x[0].map((_, j) => x.map((r) => r[j])))),
    y: tf.keep(tf.tensor1d(y)),
    m0: tf.keep(tf.tensor1d(priorMean)),
    invScale: tf.keep(tf.tensor1d(priorScale.map((s) => 1 / s))),
  }));
}

/** X'A X-style products on the host: X'X and X'y. */
export function normalEquations(x: number[][], y: number[]): { xtx: number[][]; xty: number[] } {
  const d = x[0].length;
  const xtx = Array.from({ length: d }, () => new Array(d).fill(0));
  const xty = new Array(d).fill(0);
  x.forEach((row, k) => {
    for (let i = 0; i < d; i++) {
      xty[i] += row[i] * y[k];
      for (let j = 0; j < d; j++) xtx[i][j] += row[i] * row[j];
    }
  });
  return { xtx, xty };
}

/**
 * Conjugate Bayesian linear regression with known noise: exact posterior, posterior predictive,
 * evidence, exact posterior draws, and the log joint over the coefficients as a batched TF.js log
 * density for the samplers and variational families (see the file comment).
 */
export class BayesianLinearRegression {
  readonly n: number;
  readonly dim: number;
  readonly noiseSd: number;
  readonly priorMean: number[];
  readonly priorSd: number[];
  /** Posterior mean m_N and covariance S_N. */
  readonly posteriorMean: number[];
  readonly posteriorCovariance: number[][];
  private readonly x: number[][];
  private readonly y: number[];
  private tensors: RegressionTensors | undefined;

  constructor(options: LinearRegressionOptions) {
    const where = 'BayesianLinearRegression';
    const { n, d } = checkRegressionData(where, options?.x, options?.y);
    if (!(options.noiseSd > 0 && Number.isFinite(options.noiseSd))) throw new Error(`${where}: noiseSd must be a positive number; received ${options.noiseSd}`);
    this.n = n;
    this.dim = d;
    this.x = options.x;
    this.y = options.y;
    this.noiseSd = options.noiseSd;
    this.priorMean = perCoefficient(where, 'priorMean', options.priorMean, d, 0, false);
    this.priorSd = perCoefficient(where, 'priorSd', options.priorSd, d, 1, true);
    const { xtx, xty } = normalEquations(this.x, this.y);
    const s2 = this.noiseSd ** 2;
    const precision = xtx.map((row, i) => row.map((v, j) => v / s2 + (i === j ? 1 / this.priorSd[i] ** 2 : 0)));
    this.posteriorCovariance = inverseSpd(precision);
    const rhs = xty.map((v, i) => v / s2 + this.priorMean[i] / this.priorSd[i] ** 2);
    this.posteriorMean = this.posteriorCovariance.map((row) => row.reduce((s, v, j) => s + v * rhs[j], 0));
  }

  /** Posterior standard deviations sqrt(diag S_N). */
  get posteriorSd(): number[] {
    return this.posteriorCovariance.map((row, i) => Math.sqrt(row[i]));
  }

  /** log p(y) = log N(y | X m0, sigma^2 I + X S0 X') (the normaliser of {@link logJoint}). */
  logEvidence(): number {
    const { x, y, n } = this;
    const cov = x.map((a, i) => x.map((b, j) => a.reduce((s, v, k) => s + v * b[k] * this.priorSd[k] ** 2, 0) + (i === j ? this.noiseSd ** 2 : 0)));
    const r = y.map((v, i) => v - x[i].reduce((s, u, k) => s + u * this.priorMean[k], 0));
    const l = choleskyFactor('BayesianLinearRegression.logEvidence', cov).to2DArray();
    // Solve L z = r: the quadratic form is |z|^2.
    const z = new Array(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = r[i];
      for (let k = 0; k < i; k++) s -= l[i][k] * z[k];
      z[i] = s / l[i][i];
    }
    return -0.5 * (z.reduce((s, v) => s + v * v, 0) + logDetSpd(cov) + n * LOG_2PI);
  }

  /** Posterior predictive N(mean, sd^2) of a new response at each row of `x` (noise included). */
  predictive(x: number[][]): { mean: number[]; sd: number[] } {
    checkRegressionData('BayesianLinearRegression.predictive', x, new Array(x?.length ?? 0).fill(0));
    const S = this.posteriorCovariance;
    const mean = x.map((r) => r.reduce((s, v, i) => s + v * this.posteriorMean[i], 0));
    const sd = x.map((r) => Math.sqrt(this.noiseSd ** 2 + r.reduce((s, v, i) => s + v * r.reduce((t, u, j) => t + S[i][j] * u, 0), 0)));
    return { mean, sd };
  }

  /** n exact posterior draws of the coefficients (rows). */
  samplePosterior(n: number, seed?: SeedLike): number[][] {
    return sampleGaussian(this.posteriorMean, this.posteriorCovariance, n, toRandom(seed));
  }

  /** The prior as a covariance matrix diag(s0^2). */
  priorCovariance(): number[][] {
    return diagonalMatrix(this.priorSd.map((s) => s * s));
  }

  /**
   * log p(y, w) for each row of w `[chains, d]` → `[chains]` (TF.js, differentiable). The data
   * tensors are made on the first call and kept until {@link dispose}.
   */
  logJoint(): BatchLogDensity {
    this.tensors ??= regressionTensors(this.x, this.y, this.priorMean, this.priorSd);
    const { xt, y, m0, invScale: invSd } = this.tensors;
    const constant = -0.5 * this.n * (LOG_2PI + 2 * Math.log(this.noiseSd)) - this.priorSd.reduce((s, v) => s + Math.log(v), 0) - 0.5 * this.dim * LOG_2PI;
    const inv2s2 = 1 / (2 * this.noiseSd ** 2);
    return (w: tf.Tensor2D) =>
      tf.tidy(() => {
        const resid = tf.sub(y, tf.matMul(w, xt));
        const lik = tf.mul(-inv2s2, tf.sum(tf.square(resid), 1));
        const prior = tf.mul(-0.5, tf.sum(tf.square(tf.mul(tf.sub(w, m0), invSd)), 1));
        return tf.add(tf.add(lik, prior), constant) as tf.Tensor1D;
      });
  }

  /** Free the tensors of {@link logJoint}. */
  dispose(): void {
    if (this.tensors) for (const t of Object.values(this.tensors)) t.dispose();
    this.tensors = undefined;
  }
}
