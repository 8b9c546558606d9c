/**
 * The Ricker posterior corrected by importance sampling against its particle-filter likelihood
 * (`ImportanceSampledPosterior`, src/sbi/npe/importanceSampled.ts): the trained neural posterior
 * proposes, the bootstrap filter of `RickerStateSpace` weighs, and the draws follow the exact
 * posterior (the one the PMMH references sample) up to the Monte Carlo error of the proposals.
 */
import { ImportanceSampledPosterior } from '../../src/sbi/npe/importanceSampled.js';
import { stateSpaceLogLikelihood } from '../../src/sbi/mcmc/particleFilter.js';
import type { NeuralPosterior } from '../../src/sbi/npe/types.js';
import { rickerPrior } from './ricker.js';
import { RickerStateSpace } from './stateSpace.js';

export interface RickerImportanceOptions {
  /** Proposals from the neural posterior per observation (default {@link RICKER_IMPORTANCE_DEFAULTS}). */
  proposals?: number;
  /** Particles of the filter that estimates each proposal's likelihood (default {@link RICKER_IMPORTANCE_DEFAULTS}). */
  particles?: number;
}

/**
 * Defaults chosen on the 12 TUNING observations (`node --import tsx bench/rickerImportanceTune.ts
 * --proposals M --particles P`, the web app's posterior = `npm run ricker`'s defaults with seed 1,
 * 2026-12-05 16:00-16:06 UTC, no other job), mean C2ST at theta* / prior-drawn against PMMH, and
 * seconds per observation on one thread (the network alone: 0.640 / 0.675):
 *
 *   M x P        C2ST            s/obs
 *   2000 x 100   0.592 / 0.676   0.4
 *   1000 x 400   0.548 / 0.575   0.7
 *   2000 x 200   0.547 / 0.583   0.8
 *   1000 x 800   0.512 / 0.559   1.4
 *   2000 x 400   0.522 / 0.546   1.4-2.0  <- default
 *   2000 x 800   0.519 / 0.523   2.9
 *   4000 x 400   0.508 / 0.517   3.3
 *
 * More particles make each weight less noisy, more proposals average more of them; at equal cost
 * (M x P) the two trade evenly here. 2000 x 400 reaches most of the gain for about 2 s per
 * observation; the larger settings halve what is left at twice the time. With 100 particles the
 * noise of the likelihood estimate dominates and the prior-drawn series gain nothing.
 */
export const RICKER_IMPORTANCE_DEFAULTS = { proposals: 2000, particles: 400 };

/** The importance-sampled Ricker posterior for series of the length the posterior was trained on. */
export function rickerImportanceSampled(posterior: NeuralPosterior, options: RickerImportanceOptions = {}): ImportanceSampledPosterior {
  const { proposals, particles } = { ...RICKER_IMPORTANCE_DEFAULTS, ...options };
  return new ImportanceSampledPosterior({
    proposal: posterior,
    logLikelihood: stateSpaceLogLikelihood(new RickerStateSpace(), { particles }),
    prior: rickerPrior(),
    proposals,
  });
}
