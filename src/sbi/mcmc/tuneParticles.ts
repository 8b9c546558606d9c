/**
 * Choosing the number of particles for particle marginal Metropolis-Hastings. The efficiency of
 * PMMH per unit of computation is best when the log-likelihood estimate has a standard deviation of
 * about 1.2 near the posterior mode (A. Doucet, M. K. Pitt, G. Deligiannidis & R. Kohn,
 * "Efficient implementation of Markov chain Monte Carlo when using an unbiased likelihood
 * estimator", Biometrika 102, 2015: sd between 1 and 1.7; C. Sherlock, A. H. Thiery, G. O. Roberts
 * & J. S. Rosenthal, Ann. Statist. 43, 2015: about 1.8 for random-walk proposals). Too few
 * particles make chains stick after an overestimate; too many waste time.
 *
 * The variance of log p_hat decreases like c / n for large n (J. Bérard, P. Del Moral &
 * A. Doucet, "A lognormal central limit theorem for particle approximations of normalizing
 * constants", Electron. J. Probab. 19, 2014), which suggests n s^2 / s*^2 particles for a target
 * sd s* after measuring s with n. For few particles, though, the estimate has a heavy lower tail
 * (runs where every particle misses an observation) and the sd falls much faster than 1/sqrt(n)
 * (e.g. Ricker, T = 50: sd about 10 at n = 100, 1.1 at 200, 0.8 at 400), so the rule alone
 * overshoots. {@link tuneParticles} therefore brackets: it moves n by the rule's factor, kept
 * within [1.5, 4] (or its inverse), until the measured sd crosses the target, then bisects on
 * log n until the bracket is narrower than 20%, and returns the smallest count measured with
 * sd <= target.
 */
import type { SeedLike } from '../../random.js';
import { BootstrapParticleFilter, toParticleRng } from './particleFilter.js';
import type { ParticleRng, StateSpaceModel } from './stateSpace.js';

export interface TuneParticlesOptions {
  /** Target sd of log p_hat (default 1.2). */
  targetSd?: number;
  /** Filter runs per measurement (default 100). */
  repeats?: number;
  /** First particle count tried (default 100). */
  initial?: number;
  /** Bounds on the result (default 10 and 100 000). */
  minParticles?: number;
  maxParticles?: number;
  /** Measurements at most (default 8). */
  maxRounds?: number;
  resampleThreshold?: number;
  seed?: SeedLike | ParticleRng;
}

export interface TuneParticlesResult {
  /** The chosen particle count. */
  particles: number;
  /** The sd of log p_hat measured at that count. */
  sd: number;
  /** Every measurement: particle count, sd and mean of log p_hat over the repeats. */
  measurements: { particles: number; sd: number; mean: number }[];
}

/**
 * Standard deviation (and mean) of log p_hat(y | theta) over `repeats` independent filter runs with
 * n particles; sd = Infinity when a run returns -Infinity.
 */
export function logLikelihoodSpread(
  model: StateSpaceModel,
  observed: ArrayLike<number>,
  theta: ArrayLike<number>,
  n: number,
  repeats: number,
  options: { resampleThreshold?: number; seed?: SeedLike | ParticleRng } = {},
): { sd: number; mean: number } {
  const pf = new BootstrapParticleFilter(model, observed, { particles: n, resampleThreshold: options.resampleThreshold });
  const rng = toParticleRng(options.seed);
  let s = 0;
  let s2 = 0;
  for (let r = 0; r < repeats; r++) {
    const v = pf.logLikelihood(theta, rng);
    if (!Number.isFinite(v)) return { sd: Infinity, mean: -Infinity };
    s += v;
    s2 += v * v;
  }
  const mean = s / repeats;
  return { sd: Math.sqrt(Math.max(0, (s2 - repeats * mean * mean) / (repeats - 1))), mean };
}

/**
 * The smallest particle count whose log-likelihood estimate at theta has an sd of at most
 * `targetSd` (see the file comment), within the measurements allowed. theta should be near the
 * posterior mode (e.g. a pilot run's posterior mean): far from it the variance is much larger.
 * If no count measured meets the target (maxParticles or maxRounds reached), the largest one
 * measured is returned, with its sd.
 */
export function tuneParticles(
  model: StateSpaceModel,
  observed: ArrayLike<number>,
  theta: ArrayLike<number>,
  options: TuneParticlesOptions = {},
): TuneParticlesResult {
  const { targetSd = 1.2, repeats = 100, initial = 100, minParticles = 10, maxParticles = 100_000, maxRounds = 8 } = options;
  if (!(targetSd > 0)) throw new Error(`tuneParticles: targetSd must be > 0; received ${targetSd}`);
  if (!(Number.isInteger(repeats) && repeats >= 2)) throw new Error(`tuneParticles: repeats must be an integer >= 2; received ${repeats}`);
  if (!(minParticles >= 1 && maxParticles >= minParticles)) {
    throw new Error(`tuneParticles: need 1 <= minParticles <= maxParticles; received ${minParticles} and ${maxParticles}`);
  }
  const rng = toParticleRng(options.seed);
  const clamp = (n: number): number => Math.min(maxParticles, Math.max(minParticles, Math.round(n)));
  const measurements: TuneParticlesResult['measurements'] = [];
  const sdAt = new Map<number, number>();
  const measure = (n: number): number => {
    const { sd, mean } = logLikelihoodSpread(model, observed, theta, n, repeats, { resampleThreshold: options.resampleThreshold, seed: rng });
    measurements.push({ particles: n, sd, mean });
    sdAt.set(n, sd);
    return sd;
  };
  // lo: largest count seen above the target; hi: smallest count seen at or below it.
  let lo = 0;
  let hi = Infinity;
  let n = clamp(initial);
  while (measurements.length < maxRounds) {
    const sd = measure(n);
    if (sd > targetSd) lo = Math.max(lo, n);
    else hi = Math.min(hi, n);
    let next: number;
    if (hi === Infinity) {
      if (n >= maxParticles) break;
      const f = Number.isFinite(sd) ? Math.min(4, Math.max(1.5, (sd / targetSd) ** 2)) : 4;
      next = clamp(n * f);
    } else if (lo === 0) {
      if (n <= minParticles) break;
      const f = sd > 0 ? Math.min(4, Math.max(1.5, (targetSd / sd) ** 2)) : 4;
      next = clamp(n / f);
    } else {
      if (hi / lo <= 1.2) break;
      next = clamp(Math.sqrt(lo * hi));
    }
    if (sdAt.has(next)) break;
    n = next;
  }
  const particles = hi === Infinity ? Math.max(...sdAt.keys()) : hi;
  return { particles, sd: sdAt.get(particles)!, measurements };
}
