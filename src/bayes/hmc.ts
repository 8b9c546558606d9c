/**
 * Hamiltonian Monte Carlo (Duane et al. 1987; R. M. Neal, "MCMC using Hamiltonian dynamics",
 * 2011) with a fixed number of leapfrog steps per draw, the step size jittered by +-10% per draw
 * (Neal's advice against periodic trajectories), a Metropolis correction on the energy error,
 * step size adapted by dual averaging toward an acceptance of 0.65 (Hoffman & Gelman 2014, section
 * 3.2) and a diagonal metric from Stan's warm-up windows. A trajectory whose energy error exceeds
 * 1000 stops early and counts as a divergence (and is rejected).
 */
import type { Random } from '../random.js';
import type { BatchLogDensity } from './logDensity.js';
import type { Transition } from './lockstep.js';
import { findStepSize, hamiltonian, leapfrog, sampleMomentum, type PhasePoint } from './leapfrog.js';
import { MAX_DELTA_H } from './nutsTree.js';
import { runSampler, type ChainState, type Kernel, type SamplerOptions, type TransitionResult } from './sampler.js';
import type { McmcResult } from './mcmcResult.js';

/** Options of {@link hmc}. */
export interface HmcOptions extends SamplerOptions {
  /** Leapfrog steps per draw (default 16). */
  leapfrogSteps?: number;
  /** Relative jitter of the step size per draw, uniform in [1 - j, 1 + j] (default 0.1). */
  stepSizeJitter?: number;
}

function* hmcTransition(state: ChainState, eps: number, inverseMass: Float64Array, random: Random, steps: number): Transition<TransitionResult> {
  const z0: PhasePoint = { q: state.q, p: sampleMomentum(inverseMass, random), logp: state.logp, grad: state.grad };
  const h0 = hamiltonian(z0, inverseMass);
  let z = z0;
  let divergent = false;
  for (let s = 0; s < steps && !divergent; s++) {
    z = yield* leapfrog(z, eps, inverseMass);
    divergent = hamiltonian(z, inverseMass) - h0 > MAX_DELTA_H;
  }
  const acceptStat = divergent ? 0 : Math.min(1, Math.exp(h0 - hamiltonian(z, inverseMass)));
  const accept = !divergent && random.uniform() < acceptStat;
  const next = accept ? z : z0;
  return { q: next.q, logp: next.logp, grad: next.grad, acceptStat, divergent, treeDepth: NaN };
}

/**
 * Sample from an unnormalised density with HMC, several chains at once (one per row of
 * `options.initial`). `logDensity` maps `[chains, dim]` to `[chains]` and must be differentiable
 * by TF.js autodiff. Returns draws `[chains, samples, dim]` with acceptance, divergences, R-hat
 * and ESS. Errors name `hmc` for a wrong output shape, a non-finite log density or gradient at
 * the initial point, and bad options.
 *
 *   const run = hmc(logDensity, { initial, warmup: 500, samples: 1000, leapfrogSteps: 16, seed: 1 });
 */
export function hmc(logDensity: BatchLogDensity, options: HmcOptions): McmcResult {
  const steps = options?.leapfrogSteps ?? 16;
  const jitter = options?.stepSizeJitter ?? 0.1;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`hmc: options.leapfrogSteps must be a positive integer; received ${steps}`);
  if (!(jitter >= 0 && jitter < 1)) throw new Error(`hmc: options.stepSizeJitter must be in [0, 1); received ${jitter}`);
  const kernel: Kernel = {
    name: 'hmc',
    usesGradient: true,
    defaultTargetAcceptance: 0.65,
    initialStepSize: (s, m, random, previous) => findStepSize(s.q, s.logp, s.grad, previous ?? 1, m, random),
    transition: (s, eps, m, random) => hmcTransition(s, eps * (1 + jitter * (2 * random.uniform() - 1)), m, random, steps),
  };
  return runSampler(kernel, logDensity, options);
}
