/**
 * The stochastic Ricker model (Wood 2010; see `ricker.ts`) as a {@link StateSpaceModel}, for the
 * particle filter and the exact (particle MCMC) reference posterior:
 *
 *   latent x_t = log N_t:  x_0 = log N_0,
 *                          x_t = log r + x_{t-1} - exp(x_{t-1}) + e_t,   e_t ~ Normal(0, sigma^2),
 *   observation            y_t ~ Poisson(phi exp(x_t)),
 *   log g(y | x) = y (log phi + x) - phi exp(x) - log y!        (y log lambda - lambda - lgamma(y + 1)).
 *
 * theta = (log r, sigma, phi). The log scale keeps everything finite: x_t <= log r - 1 + e_t (the
 * map x -> x - e^x peaks at -1), so the state never overflows, and a population that underflows
 * (N_t = 0 in doubles) still has a finite log mean log phi + x_t, so no count becomes impossible.
 * For y = 0 the density is -lambda (no 0 * log 0). log y! comes from a table for y < 1024 and from
 * Stirling's series beyond. Parameters outside the domain (sigma < 0, phi < 0, non-finite) give
 * log g = -Infinity for every particle, hence a likelihood estimate of 0.
 *
 * With `burnIn` = B the state is propagated B times before the first observation, matching
 * `Ricker`'s burn-in option (default 0: y_0 is the count at time 1, as in the simulator).
 */
import type { ParticleRng, StateSpaceModel } from '../../src/sbi/mcmc/stateSpace.js';

export interface RickerStateSpaceOptions {
  /** Initial population N_0 (default 1, as in the simulator). */
  N0?: number;
  /** Unobserved steps before the first observation (default 0). */
  burnIn?: number;
}

const LOG_FACTORIAL_TABLE = 1024;
const LOG_FACTORIAL = new Float64Array(LOG_FACTORIAL_TABLE);
for (let k = 1; k < LOG_FACTORIAL_TABLE; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);

/**
 * log k! for an integer k >= 0: a table below 1024, else Stirling's series
 * k log k - k + log(2 pi k) / 2 + 1/(12k) - 1/(360k^3) (error below 1e-15 there).
 */
export function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL_TABLE) return LOG_FACTORIAL[k];
  const ik = 1 / k;
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + ik * (1 / 12 - (ik * ik) / 360);
}

/**
 * The Ricker model as a state-space model; each particle is (log N_t, N_t) (stateDim 2: N_t is kept
 * so that the observation density needs no second exp).
 */
export class RickerStateSpace implements StateSpaceModel {
  readonly name = 'ricker';
  readonly thetaDim = 3;
  readonly stateDim = 2;
  readonly obsDim = 1;
  readonly N0: number;
  readonly burnIn: number;
  private readonly logN0: number;

  constructor(options: RickerStateSpaceOptions = {}) {
    const { N0 = 1, burnIn = 0 } = options;
    if (!(Number.isFinite(N0) && N0 >= 0)) throw new Error(`RickerStateSpace: N0 must be finite and >= 0; received ${N0}`);
    if (!(Number.isInteger(burnIn) && burnIn >= 0)) throw new Error(`RickerStateSpace: burnIn must be a non-negative integer; received ${burnIn}`);
    this.N0 = N0;
    this.burnIn = burnIn;
    this.logN0 = Math.log(N0);
  }

  initialize(particles: Float64Array, theta: ArrayLike<number>, rng: ParticleRng): void {
    for (let i = 0; i < particles.length; i += 2) {
      particles[i] = this.logN0;
      particles[i + 1] = this.N0;
    }
    for (let b = 0; b < this.burnIn; b++) this.propagate(particles, theta, -1, rng);
  }

  propagate(particles: Float64Array, theta: ArrayLike<number>, _t: number, rng: ParticleRng): void {
    const logR = theta[0];
    const sigma = theta[1];
    const n = particles.length;
    if (sigma === 0) {
      for (let i = 0; i < n; i += 2) {
        const x = logR + particles[i] - particles[i + 1];
        particles[i] = x;
        particles[i + 1] = Math.exp(x);
      }
      return;
    }
    for (let i = 0; i < n; i += 2) {
      const x = logR + particles[i] - particles[i + 1] + sigma * rng.normal();
      particles[i] = x;
      particles[i + 1] = Math.exp(x);
    }
  }

  logObservationDensity(particles: Float64Array, yt: Float64Array, theta: ArrayLike<number>, out: Float64Array): void {
    const sigma = theta[1];
    const phi = theta[2];
    const n = particles.length >> 1;
    if (!(Number.isFinite(theta[0]) && sigma >= 0 && sigma < Infinity && phi >= 0 && phi < Infinity)) {
      out.fill(-Infinity, 0, n);
      return;
    }
    const y = yt[0];
    if (y === 0) {
      for (let i = 0; i < n; i++) out[i] = -phi * particles[2 * i + 1];
      return;
    }
    const logPhi = Math.log(phi);
    const c = -logFactorial(y);
    for (let i = 0; i < n; i++) {
      // x = -Infinity (N_0 = 0) gives -Infinity, as it should for y > 0.
      out[i] = y * (logPhi + particles[2 * i]) - phi * particles[2 * i + 1] + c;
    }
  }

  checkObserved(observed: Float64Array): void {
    for (let t = 0; t < observed.length; t++) {
      const y = observed[t];
      if (!(Number.isInteger(y) && y >= 0)) {
        throw new Error(`RickerStateSpace: observed counts must be non-negative integers; received ${y} at t = ${t}`);
      }
    }
  }
}

/** Factory (plain use and module references): `rickerStateSpace({ N0, burnIn })`. */
export function rickerStateSpace(options?: RickerStateSpaceOptions): RickerStateSpace {
  return new RickerStateSpace(options);
}
