/**
 * State-space models for particle filtering and particle MCMC (no tensors, plain typed arrays):
 *
 *   x_0 ~ mu(x_0 | theta),
 *   x_t ~ f(x_t | x_{t-1}, theta),   y_t ~ g(y_t | x_t, theta),   t = 0..T-1,
 *
 * with a latent state of `stateDim` numbers and an observation of `obsDim` numbers per step.
 * Note the indexing: x_0 is the state *before* the first observation, so the first observation
 * y_0 follows one transition (for the Ricker model x_0 = log N_0 and y_0 is the count at time 1).
 *
 * A bootstrap particle filter (`particleFilter.ts`) only needs to draw from mu and f and to
 * evaluate log g; the transition density is never evaluated. Particles are stored row-major, one
 * row of `stateDim` numbers per particle, in a Float64Array of length n * stateDim; the methods
 * work on all n particles at once (no allocation, no call per particle), which is what makes the
 * filter fast in JavaScript.
 */

/**
 * The random numbers a model may draw. Both the library stream `Random` (src/random.ts) and the
 * fast simulator stream `Xoshiro128` (src/sbi/simulation/simulationStreams.ts) satisfy it; the particle filter passes an
 * `Xoshiro128`.
 */
export interface ParticleRng {
  /** Uniform on (0, 1) (or [0, 1)). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
}

export interface StateSpaceModel {
  readonly name: string;
  /** Length of theta. */
  readonly thetaDim: number;
  /** Numbers per particle (the latent state x_t). */
  readonly stateDim: number;
  /** Numbers per observation y_t (observed series are row-major T x obsDim). */
  readonly obsDim: number;
  /** Draw x_0 ~ mu(. | theta) into every particle (n = particles.length / stateDim). */
  initialize(particles: Float64Array, theta: ArrayLike<number>, rng: ParticleRng): void;
  /** In place: replace each particle x_{t-1} by a draw x_t ~ f(. | x_{t-1}, theta), t = 0..T-1. */
  propagate(particles: Float64Array, theta: ArrayLike<number>, t: number, rng: ParticleRng): void;
  /**
   * out[i] = log g(y_t | x_t^i, theta) for every particle i (-Infinity where y_t is impossible;
   * never NaN). `yt` holds the obsDim numbers of y_t.
   */
  logObservationDensity(particles: Float64Array, yt: Float64Array, theta: ArrayLike<number>, out: Float64Array): void;
  /**
   * Optional check of an observed series (row-major T x obsDim) before filtering, throwing an
   * error that names the model and the offending value (e.g. non-integer counts).
   */
  checkObserved?(observed: Float64Array): void;
}
