/**
 * The bootstrap particle filter (N. J. Gordon, D. J. Salmond & A. F. M. Smith, "Novel approach to
 * nonlinear/non-Gaussian Bayesian state estimation", IEE Proc. F 140, 1993) as an estimator of the
 * likelihood p(y_{0:T-1} | theta) of a {@link StateSpaceModel}, for particle MCMC (`pmmh.ts`).
 *
 * With n particles and normalised weights W_{t-1}^i (all 1/n after resampling), step t draws
 * x_t^i ~ f(. | x_{t-1}^i), weighs them by g_t^i = g(y_t | x_t^i) and multiplies the estimate by
 *
 *   p_hat(y_t | y_{0:t-1}) = sum_i W_{t-1}^i g_t^i        (= mean_i g_t^i after resampling),
 *
 * so log p_hat(y | theta) = sum_t log sum_i W_{t-1}^i g_t^i, computed in log space with the
 * log-sum-exp shift by max_i (log W + log g). Then W_t^i is proportional to W_{t-1}^i g_t^i, and
 * the particles are resampled (systematic resampling, Kitagawa 1996: one uniform u, the points
 * (u + k) / n, k = 0..n-1, on the cumulative weights) when the effective sample size
 * ESS = (sum w)^2 / sum w^2 falls below `resampleThreshold` x n (1: every step).
 *
 * Unbiasedness: p_hat(y | theta) itself (not its log) is an unbiased estimate of p(y | theta) for
 * every n >= 1 (P. Del Moral, "Feynman-Kac Formulae", Springer 2004, Thm. 7.4.2), also with
 * resampling decided by the ESS of the current weights (N. Whiteley, A. Lee & K. Heine, "On the
 * role of interaction in sequential Monte Carlo algorithms", Bernoulli 22, 2016). That is what
 * particle marginal Metropolis-Hastings needs to target the exact posterior. log p_hat is biased
 * downwards: E[log p_hat] <= log p (Jensen), by about Var(log p_hat) / 2.
 *
 * Randomness: a number seed s runs on the fast stream `Xoshiro128(s, 0)`; a `Random` or
 * `Xoshiro128` is used (and advanced) as given; a string is turned into an integer first.
 */
import { toRandom, type SeedLike } from '../../random.js';
import { Xoshiro128 } from '../simulation/simulationStreams.js';
import type { ParticleRng, StateSpaceModel } from './stateSpace.js';

export interface ParticleFilterOptions {
  /** Number of particles n (a positive integer). */
  particles: number;
  /**
   * Resample when ESS < resampleThreshold x n; 1 resamples at every step (the classical bootstrap
   * filter), 0 never. Default 0.5.
   */
  resampleThreshold?: number;
}

/** A random stream for the filter from a seed (see the file comment), or the stream itself. */
export function toParticleRng(seed?: SeedLike | ParticleRng): ParticleRng {
  if (typeof seed === 'object') return seed;
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return new Xoshiro128(seed, 0);
  return new Xoshiro128(toRandom(seed).nextSeed(), 0);
}

/**
 * A bootstrap particle filter for one model and one observed series, with its buffers allocated
 * once: {@link BootstrapParticleFilter.logLikelihood} allocates nothing, so PMMH can call it
 * thousands of times.
 */
export class BootstrapParticleFilter {
  readonly model: StateSpaceModel;
  readonly particles: number;
  readonly resampleThreshold: number;
  /** Number of observation steps T. */
  readonly T: number;
  /** Resampling steps in the last run. */
  resampleCount = 0;
  private x: Float64Array;
  private xNew: Float64Array;
  private readonly logW: Float64Array;
  private readonly a: Float64Array;
  private readonly w: Float64Array;
  private readonly ancestors: Int32Array;
  private readonly ys: Float64Array[];

  constructor(model: StateSpaceModel, observed: ArrayLike<number>, options: ParticleFilterOptions) {
    const { particles: n, resampleThreshold = 0.5 } = options;
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`BootstrapParticleFilter: particles must be a positive integer; received ${n}`);
    if (!(resampleThreshold >= 0)) throw new Error(`BootstrapParticleFilter: resampleThreshold must be >= 0; received ${resampleThreshold}`);
    const obs = Float64Array.from(observed);
    const T = obs.length / model.obsDim;
    if (!(Number.isInteger(T) && T >= 1)) {
      throw new Error(`BootstrapParticleFilter: observed must hold T x obsDim = T x ${model.obsDim} numbers (T >= 1); received length ${obs.length}`);
    }
    model.checkObserved?.(obs);
    this.model = model;
    this.particles = n;
    this.resampleThreshold = resampleThreshold;
    this.T = T;
    this.x = new Float64Array(n * model.stateDim);
    this.xNew = new Float64Array(n * model.stateDim);
    this.logW = new Float64Array(n);
    this.a = new Float64Array(n);
    this.w = new Float64Array(n);
    this.ancestors = new Int32Array(n);
    this.ys = [];
    for (let t = 0; t < T; t++) this.ys.push(obs.subarray(t * model.obsDim, (t + 1) * model.obsDim));
  }

  /**
   * log p_hat(y | theta): -Infinity when every particle has zero weight at some step (the estimate
   * is then 0). Draws from `rng` (see {@link toParticleRng}).
   */
  logLikelihood(theta: ArrayLike<number>, rng?: SeedLike | ParticleRng): number {
    const stream = toParticleRng(rng);
    const { model, particles: n, T, logW, a, w } = this;
    const always = this.resampleThreshold >= 1;
    const essMin = this.resampleThreshold * n;
    const logUniform = -Math.log(n);
    this.resampleCount = 0;
    logW.fill(logUniform);
    model.initialize(this.x, theta, stream);
    let logZ = 0;
    for (let t = 0; t < T; t++) {
      model.propagate(this.x, theta, t, stream);
      model.logObservationDensity(this.x, this.ys[t], theta, a);
      let m = -Infinity;
      for (let i = 0; i < n; i++) {
        let v = logW[i] + a[i];
        if (v !== v) v = -Infinity;
        a[i] = v;
        if (v > m) m = v;
      }
      if (m === -Infinity) return -Infinity;
      if (m === Infinity) {
        throw new Error(`BootstrapParticleFilter.logLikelihood: ${model.name}.logObservationDensity returned +Infinity at t = ${t}`);
      }
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const e = Math.exp(a[i] - m);
        w[i] = e;
        s += e;
        s2 += e * e;
      }
      const increment = m + Math.log(s);
      logZ += increment;
      if (t === T - 1) break;
      if (always || s * s < essMin * s2) {
        this.resample(s, stream);
        logW.fill(logUniform);
        this.resampleCount++;
      } else {
        for (let i = 0; i < n; i++) logW[i] = a[i] - increment;
      }
    }
    return logZ;
  }

  /** Systematic resampling on the unnormalised weights w (sum s): x <- x[ancestors]. */
  private resample(s: number, rng: ParticleRng): void {
    const { particles: n, w, ancestors } = this;
    const d = this.model.stateDim;
    const step = s / n;
    let u = rng.uniform() * step;
    let j = 0;
    let c = w[0];
    for (let i = 0; i < n; i++) {
      while (u > c && j < n - 1) c += w[++j];
      ancestors[i] = j;
      u += step;
    }
    const x = this.x;
    const out = this.xNew;
    if (d === 1) {
      for (let i = 0; i < n; i++) out[i] = x[ancestors[i]];
    } else if (d === 2) {
      for (let i = 0; i < n; i++) {
        const a = 2 * ancestors[i];
        out[2 * i] = x[a];
        out[2 * i + 1] = x[a + 1];
      }
    } else {
      for (let i = 0; i < n; i++) out.set(x.subarray(ancestors[i] * d, ancestors[i] * d + d), i * d);
    }
    this.xNew = x;
    this.x = out;
  }
}

/**
 * One bootstrap-filter estimate log p_hat(y | theta) (see the file comment). For repeated calls
 * build a {@link BootstrapParticleFilter} once.
 */
export function particleFilterLogLikelihood(
  model: StateSpaceModel,
  observed: ArrayLike<number>,
  theta: ArrayLike<number>,
  options: ParticleFilterOptions & { seed?: SeedLike | ParticleRng },
): number {
  return new BootstrapParticleFilter(model, observed, options).logLikelihood(theta, options.seed);
}

/**
 * The bootstrap filter's estimate as a log-likelihood function of many parameters for one
 * observed series (the `LogLikelihood` of `ImportanceSampledPosterior`): one filter per call,
 * row i of `thetas` filtered on the stream `Xoshiro128(seed, i)`.
 */
export function stateSpaceLogLikelihood(model: StateSpaceModel, options: ParticleFilterOptions) {
  return (observed: Float64Array, thetas: Float64Array, seed: number): Float64Array => {
    const filter = new BootstrapParticleFilter(model, observed, options);
    const d = model.thetaDim;
    const n = thetas.length / d;
    if (!Number.isInteger(n)) throw new Error(`stateSpaceLogLikelihood: thetas must hold n x thetaDim = n x ${d} numbers; received ${thetas.length}`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = filter.logLikelihood(thetas.subarray(i * d, i * d + d), new Xoshiro128(seed, i));
    return out;
  };
}
