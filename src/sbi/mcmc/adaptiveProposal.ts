/**
 * A Gaussian random-walk proposal theta' = theta + L z, z ~ Normal(0, I), L L^T = C, whose
 * covariance adapts to the chain's own history in the manner of the adaptive Metropolis algorithm
 * (H. Haario, E. Saksman & J. Tamminen, "An adaptive Metropolis algorithm", Bernoulli 7, 2001):
 *
 *   C = s_d (Cov(history) + eps),   s_d = 2.38^2 / d (G. O. Roberts, A. Gelman & W. R. Gilks 1997),
 *
 * eps a small diagonal that keeps C positive definite. Unlike Haario et al., who use the whole
 * history, the history here is a window: the draws since the last update, in windows that double
 * in length (as Stan's warm-up does), so that the transient far from the mode is forgotten. A
 * window with too few accepted moves to estimate a covariance (fewer than 3d) shrinks C by half
 * instead. Adapt only during burn-in: after it the proposal is fixed and the chain is an ordinary
 * (pseudo-marginal) Metropolis-Hastings chain.
 */
import type { ParticleRng } from './stateSpace.js';
import { cholesky } from '../../cholesky.js';

export { cholesky } from '../../cholesky.js';

/**
 * Gaussian random-walk proposal whose covariance adapts to the chain's history during burn-in
 * (Haario et al. 2001): s_d (2.38² / d) times the running covariance plus a small jitter.
 */
export class AdaptiveRandomWalk {
  readonly dim: number;
  /** s_d, the factor applied to the history's covariance. */
  readonly scale: number;
  private cov: Float64Array;
  private L: Float64Array;
  private readonly eps: Float64Array;
  private readonly z: Float64Array;
  private count = 0;
  private accepted = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  /**
   * @param initialCovariance d x d proposal covariance used until the first update (row-major).
   * @param eps per-dimension regularisation added to the history's variances.
   * @param scale s_d (default 2.38^2 / d).
   */
  constructor(initialCovariance: ArrayLike<number>, d: number, eps: ArrayLike<number>, scale = (2.38 * 2.38) / d) {
    if (initialCovariance.length !== d * d) {
      throw new Error(`AdaptiveRandomWalk: initialCovariance must have d x d = ${d * d} entries; received ${initialCovariance.length}`);
    }
    const L = cholesky(initialCovariance, d);
    if (!L) throw new Error('AdaptiveRandomWalk: initialCovariance must be symmetric positive definite');
    if (!(scale > 0)) throw new Error(`AdaptiveRandomWalk: scale must be > 0; received ${scale}`);
    this.dim = d;
    this.scale = scale;
    this.cov = Float64Array.from(initialCovariance);
    this.L = L;
    this.eps = Float64Array.from(eps);
    this.z = new Float64Array(d);
    this.mean = new Float64Array(d);
    this.m2 = new Float64Array(d * d);
  }

  /** The current proposal covariance C (a copy). */
  covariance(): Float64Array {
    return this.cov.slice();
  }

  /** Take over another proposal's covariance (same dimension); the window is left as is. */
  copyFrom(other: AdaptiveRandomWalk): void {
    this.cov = other.cov.slice();
    this.L = other.L.slice();
  }

  /** out = theta + L z. */
  propose(theta: Float64Array, out: Float64Array, rng: ParticleRng): void {
    const { dim: d, L, z } = this;
    for (let j = 0; j < d; j++) z[j] = rng.normal();
    for (let i = 0; i < d; i++) {
      let s = theta[i];
      for (let k = 0; k <= i; k++) s += L[i * d + k] * z[k];
      out[i] = s;
    }
  }

  /** Add the chain's state after one iteration to the current window (Welford's update). */
  record(theta: Float64Array, accepted: boolean): void {
    const { dim: d, mean, m2 } = this;
    this.count++;
    if (accepted) this.accepted++;
    const n = this.count;
    const delta = this.z;
    for (let j = 0; j < d; j++) {
      delta[j] = theta[j] - mean[j];
      mean[j] += delta[j] / n;
    }
    for (let i = 0; i < d; i++) {
      const di = delta[i];
      for (let j = 0; j < d; j++) m2[i * d + j] += di * (theta[j] - mean[j]);
    }
  }

  /**
   * Close the window: C <- s_d (Cov(window) + eps) when the window had at least 3d accepted moves
   * (and the result is positive definite), else C <- C / 2. Starts a new, empty window.
   */
  endWindow(): 'updated' | 'shrunk' {
    const { dim: d } = this;
    let result: 'updated' | 'shrunk' = 'shrunk';
    if (this.accepted >= 3 * d && this.count > 1) {
      const c = new Float64Array(d * d);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const v = (this.m2[i * d + j] + this.m2[j * d + i]) / (2 * (this.count - 1));
          c[i * d + j] = this.scale * (v + (i === j ? this.eps[i] : 0));
        }
      }
      const L = cholesky(c, d);
      if (L) {
        this.cov = c;
        this.L = L;
        result = 'updated';
      }
    }
    if (result === 'shrunk') {
      for (let k = 0; k < d * d; k++) this.cov[k] *= 0.5;
      for (let k = 0; k < d * d; k++) this.L[k] *= Math.SQRT1_2;
    }
    this.count = 0;
    this.accepted = 0;
    this.mean.fill(0);
    this.m2.fill(0);
    return result;
  }
}
