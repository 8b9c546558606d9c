/**
 * Random-walk Metropolis (Metropolis et al. 1953) with an adaptive Gaussian proposal
 * x' = x + s sqrt(v) * z, z ~ N(0, I): during warm-up the scale s is adapted by dual averaging
 * toward an acceptance rate of 0.234 (0.44 in one dimension; Roberts, Gelman & Gilks 1997), and
 * the per-coordinate variances v are the regularised variances of the draws of Stan's warm-up
 * windows (as the diagonal metric of HMC). s starts at 2.38 / sqrt(d) and, after each window,
 * restarts from its adapted value, the dual averaging centred there (not at 10 times it, as for
 * HMC step sizes).
 * Needs no gradients. Its cost per effective draw grows about linearly with the dimension, which
 * is why it stops working for networks with many weights.
 */
import type { Random } from '../random.js';
import { initialPositions, type BatchLogDensity } from './logDensity.js';
import type { Transition } from './lockstep.js';
import { runSampler, type ChainState, type Kernel, type SamplerOptions, type TransitionResult } from './sampler.js';
import type { McmcResult } from './mcmcResult.js';

function* metropolisTransition(state: ChainState, scale: number, variances: Float64Array, random: Random): Transition<TransitionResult> {
  const proposal = Float64Array.from(state.q, (x, i) => x + scale * Math.sqrt(variances[i]) * random.normal());
  const { logp } = yield proposal;
  const logRatio = logp - state.logp;
  const acceptStat = Number.isNaN(logRatio) ? 0 : Math.min(1, Math.exp(logRatio));
  const accept = random.uniform() < acceptStat;
  return { q: accept ? proposal : state.q, logp: accept ? logp : state.logp, grad: state.grad, acceptStat, divergent: false, treeDepth: NaN };
}

/**
 * Sample from an unnormalised density with adaptive random-walk Metropolis, several chains at once
 * (one per row of `options.initial`). `logDensity` maps `[chains, dim]` to `[chains]`; no gradient
 * is needed. Returns draws `[chains, samples, dim]` with acceptance rates, R-hat and ESS. Errors
 * name `metropolis` for a wrong output shape, a non-finite log density at the initial point, and
 * bad options.
 *
 *   const run = metropolis(logDensity, { initial, warmup: 1000, samples: 4000, seed: 1 });
 */
export function metropolis(logDensity: BatchLogDensity, options: SamplerOptions): McmcResult {
  const { dim } = initialPositions('metropolis', options?.initial);
  // eslint-disable-next-line require-yield
  function* initialScale(previous: number | null): Transition<number> {
    return previous ?? 2.38 / Math.sqrt(dim);
  }
  const kernel: Kernel = {
    name: 'metropolis',
    usesGradient: false,
    defaultTargetAcceptance: dim === 1 ? 0.44 : 0.234,
    muFactor: 1,
    initialStepSize: (_s, _m, _r, previous) => initialScale(previous),
    transition: (s, scale, v, random) => metropolisTransition(s, scale, v, random),
  };
  return runSampler(kernel, logDensity, options);
}
