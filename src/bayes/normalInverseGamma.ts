/**
 * Bayesian linear regression with unknown noise and the conjugate Normal-inverse-gamma prior
 * (K. P. Murphy, "Conjugate Bayesian analysis of the Gaussian distribution", 2007, section 7.6):
 *   sigma^2 ~ IG(a0, b0),  w | sigma^2 ~ N(m0, sigma^2 V0),  y | w, sigma^2 ~ N(X w, sigma^2 I).
 * Posterior: V_N = (V0^-1 + X'X)^-1, m_N = V_N (V0^-1 m0 + X'y), a_N = a0 + n/2,
 * b_N = b0 + (y'y + m0'V0^-1 m0 - m_N'V_N^-1 m_N) / 2. Marginally w ~ Student-t with 2 a_N degrees of
 * freedom, location m_N and scale matrix (b_N / a_N) V_N (covariance b_N / (a_N - 1) V_N); the
 * predictive at x is Student-t(2 a_N, x'm_N, (b_N / a_N)(1 + x'V_N x)); the evidence is
 * log p(y) = log G(a_N) - log G(a0) + a0 log b0 - a_N log b_N + (log|V_N| - log|V0| - n log 2 pi) / 2.
 * `logJoint` is the exact log p(y, w, s) over (w, s = log sigma^2) with the Jacobian of
 * sigma^2 = e^s, so the samplers run on R^(d+1) and its normaliser is the evidence.
 */
import * as tf from '@tensorflow/tfjs';
import { LOG_2PI } from '../numerics.js';
import { inverseSpd, logDetSpd } from './gaussian.js';
import type { BatchLogDensity } from './logDensity.js';
import { checkRegressionData, normalEquations, perCoefficient, regressionTensors, type RegressionTensors } from './linearRegression.js';
import { logGamma } from '../sbi/diagnostics/statistics.js';

/** Data and prior of {@link NormalInverseGammaRegression}. */
export interface NormalInverseGammaOptions {
  x: number[][];
  y: number[];
  /** Prior mean m0 of the coefficients (default 0). */
  priorMean?: number | number[];
  /** sqrt(diag V0): prior sd of the coefficients in units of sigma (default 1). */
  priorScale?: number | number[];
  /** Shape a0 and scale b0 of the inverse-gamma prior on sigma^2 (defaults 2 and 1). */
  a0?: number;
  b0?: number;
}

/** Conjugate regression with unknown noise (see the file comment). */
export class NormalInverseGammaRegression {
  readonly n: number;
  readonly dim: number;
  readonly a0: number;
  readonly b0: number;
  readonly priorMean: number[];
  readonly priorScale: number[];
  /** Posterior parameters m_N, V_N, a_N, b_N. */
  readonly mean: number[];
  readonly V: number[][];
  readonly a: number;
  readonly b: number;
  private readonly xData: number[][];
  private readonly yData: number[];
  private tensors: RegressionTensors | undefined;

  constructor(options: NormalInverseGammaOptions) {
    const where = 'NormalInverseGammaRegression';
    const { n, d } = checkRegressionData(where, options?.x, options?.y);
    this.a0 = options.a0 ?? 2;
    this.b0 = options.b0 ?? 1;
    if (!(this.a0 > 0 && this.b0 > 0)) throw new Error(`${where}: a0 and b0 must be > 0; received ${this.a0} and ${this.b0}`);
    this.n = n;
    this.dim = d;
    this.xData = options.x;
    this.yData = options.y;
    this.priorMean = perCoefficient(where, 'priorMean', options.priorMean, d, 0, false);
    this.priorScale = perCoefficient(where, 'priorScale', options.priorScale, d, 1, true);
    const { xtx, xty } = normalEquations(options.x, options.y);
    const v0inv = this.priorScale.map((s) => 1 / (s * s));
    this.V = inverseSpd(xtx.map((row, i) => row.map((v, j) => v + (i === j ? v0inv[i] : 0))));
    const rhs = xty.map((v, i) => v + v0inv[i] * this.priorMean[i]);
    this.mean = this.V.map((row) => row.reduce((s, v, j) => s + v * rhs[j], 0));
    const yty = options.y.reduce((s, v) => s + v * v, 0);
    const m0term = this.priorMean.reduce((s, m, i) => s + m * m * v0inv[i], 0);
    const mNterm = this.mean.reduce((s, m, i) => s + m * rhs[i], 0);
    this.a = this.a0 + n / 2;
    this.b = this.b0 + 0.5 * (yty + m0term - mNterm);
  }

  /** Posterior covariance of the coefficients, b_N / (a_N - 1) V_N (needs a_N > 1). */
  coefficientCovariance(): number[][] {
    const f = this.b / (this.a - 1);
    return this.V.map((row) => row.map((v) => f * v));
  }

  /** Posterior mean and sd of sigma^2 (inverse gamma; the sd needs a_N > 2). */
  noiseVariance(): { mean: number; sd: number } {
    const mean = this.b / (this.a - 1);
    return { mean, sd: mean / Math.sqrt(this.a - 2) };
  }

  /** log p(y), the normaliser of {@link logJoint}. */
  logEvidence(): number {
    const logDetV0 = this.priorScale.reduce((s, v) => s + 2 * Math.log(v), 0);
    return logGamma(this.a) - logGamma(this.a0) + this.a0 * Math.log(this.b0) - this.a * Math.log(this.b) + 0.5 * (logDetSpd(this.V) - logDetV0 - this.n * LOG_2PI);
  }

  /** Student-t predictive of a new response at each row of x: degrees of freedom, location, scale. */
  predictive(x: number[][]): { df: number; location: number[]; scale: number[] } {
    const f = this.b / this.a;
    return {
      df: 2 * this.a,
      location: x.map((r) => r.reduce((s, v, i) => s + v * this.mean[i], 0)),
      scale: x.map((r) => Math.sqrt(f * (1 + r.reduce((s, v, i) => s + v * r.reduce((t, u, j) => t + this.V[i][j] * u, 0), 0)))),
    };
  }

  /** log p(y, w, s) over rows (w, s = log sigma^2) `[chains, d + 1]` → `[chains]` (TF.js). */
  logJoint(): BatchLogDensity {
    this.tensors ??= regressionTensors(this.xData, this.yData, this.priorMean, this.priorScale);
    const { xt, y, m0, invScale } = this.tensors;
    const { n, dim: d, a0, b0 } = this;
    const constant = -0.5 * (n + d) * LOG_2PI - this.priorScale.reduce((s, v) => s + Math.log(v), 0) + a0 * Math.log(b0) - logGamma(a0);
    return (theta: tf.Tensor2D) =>
      tf.tidy(() => {
        const rows = theta.shape[0];
        const w = tf.slice(theta, [0, 0], [rows, d]);
        const s = tf.reshape(tf.slice(theta, [0, d], [rows, 1]), [rows]);
        const invVar = tf.exp(tf.neg(s));
        const squares = tf.add(tf.sum(tf.square(tf.sub(y, tf.matMul(w, xt))), 1), tf.sum(tf.square(tf.mul(tf.sub(w, m0), invScale)), 1));
        // -(n + d)/2 s - squares / (2 sigma^2) - (a0 + 1) s - b0 / sigma^2 + s (the Jacobian).
        const logp = tf.sub(tf.mul(-(0.5 * (n + d) + a0), s), tf.mul(invVar, tf.add(tf.mul(0.5, squares), b0)));
        return tf.add(logp, constant) as tf.Tensor1D;
      });
  }

  /** Free the tensors of {@link logJoint}. */
  dispose(): void {
    if (this.tensors) for (const t of Object.values(this.tensors)) t.dispose();
    this.tensors = undefined;
  }
}
