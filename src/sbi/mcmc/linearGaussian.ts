/**
 * A scalar linear-Gaussian state-space model, the example {@link StateSpaceModel} whose likelihood
 * the Kalman filter gives exactly (R. E. Kalman, "A new approach to linear filtering and
 * prediction problems", J. Basic Eng. 82, 1960); used to check the particle filter and PMMH:
 *
 *   x_0 ~ Normal(m0, p0),   x_t = a x_{t-1} + sigma_x e_t,   y_t = x_t + sigma_y d_t,   t = 0..T-1,
 *
 * with e_t, d_t iid standard normal and theta = (a, sigma_x, sigma_y).
 */
import { toRandom, type SeedLike } from '../../random.js';
import type { ParticleRng, StateSpaceModel } from './stateSpace.js';

export interface LinearGaussianOptions {
  /** Mean of x_0 (default 0). */
  m0?: number;
  /** Variance of x_0 (default 1). */
  p0?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** The scalar linear-Gaussian model of the file comment, with its exact Kalman likelihood. */
export class LinearGaussianStateSpace implements StateSpaceModel {
  readonly name = 'linearGaussian';
  readonly thetaDim = 3;
  readonly stateDim = 1;
  readonly obsDim = 1;
  readonly m0: number;
  readonly p0: number;

  constructor(options: LinearGaussianOptions = {}) {
    const { m0 = 0, p0 = 1 } = options;
    if (!(Number.isFinite(m0) && Number.isFinite(p0) && p0 >= 0)) {
      throw new Error(`LinearGaussianStateSpace: need a finite m0 and p0 >= 0; received m0 = ${m0}, p0 = ${p0}`);
    }
    this.m0 = m0;
    this.p0 = p0;
  }

  initialize(particles: Float64Array, _theta: ArrayLike<number>, rng: ParticleRng): void {
    const sd = Math.sqrt(this.p0);
    for (let i = 0; i < particles.length; i++) particles[i] = this.m0 + sd * rng.normal();
  }

  propagate(particles: Float64Array, theta: ArrayLike<number>, _t: number, rng: ParticleRng): void {
    const a = theta[0];
    const sx = theta[1];
    for (let i = 0; i < particles.length; i++) particles[i] = a * particles[i] + sx * rng.normal();
  }

  logObservationDensity(particles: Float64Array, yt: Float64Array, theta: ArrayLike<number>, out: Float64Array): void {
    const sy = theta[2];
    const n = particles.length;
    if (!(sy > 0 && sy < Infinity)) {
      out.fill(-Infinity, 0, n);
      return;
    }
    const y = yt[0];
    const c = -0.5 * LOG_2PI - Math.log(sy);
    const h = -0.5 / (sy * sy);
    for (let i = 0; i < n; i++) {
      const r = y - particles[i];
      out[i] = c + h * r * r;
    }
  }

  /**
   * The exact log p(y_{0:T-1} | theta) by the Kalman filter: predict m <- a m,
   * P <- a^2 P + sigma_x^2; with S = P + sigma_y^2 and v = y_t - m add
   * -(log(2 pi S) + v^2 / S) / 2; update m <- m + (P / S) v, P <- P sigma_y^2 / S.
   */
  kalmanLogLikelihood(observed: ArrayLike<number>, theta: ArrayLike<number>): number {
    const [a, sx, sy] = [theta[0], theta[1], theta[2]];
    let m = this.m0;
    let P = this.p0;
    let ll = 0;
    for (let t = 0; t < observed.length; t++) {
      m = a * m;
      P = a * a * P + sx * sx;
      const S = P + sy * sy;
      const v = observed[t] - m;
      ll -= 0.5 * (LOG_2PI + Math.log(S) + (v * v) / S);
      m += (P / S) * v;
      P = (P * sy * sy) / S;
    }
    return ll;
  }

  /** One simulated path: states x_{0:T-1} (after the first transition) and observations y. */
  simulate(theta: ArrayLike<number>, T: number, seed?: SeedLike): { x: Float64Array; y: Float64Array } {
    const rng = toRandom(seed);
    const x = new Float64Array(T);
    const y = new Float64Array(T);
    let s = this.m0 + Math.sqrt(this.p0) * rng.normal();
    for (let t = 0; t < T; t++) {
      s = theta[0] * s + theta[1] * rng.normal();
      x[t] = s;
      y[t] = s + theta[2] * rng.normal();
    }
    return { x, y };
  }
}
