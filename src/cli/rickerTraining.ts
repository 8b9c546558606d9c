/**
 * One Ricker posterior trained with the command line's flags and a training progress bar: the
 * amortized posterior of `npm run ricker` and each round of `--rounds N` (src/cli/rickerRounds.ts).
 */
import { trainRickerNPE, RICKER_NPE_DEFAULTS, type RickerNPEResult } from '../../simulators/ricker/npe.js';
import type { NeuralPosterior } from '../sbi/npe/types.js';
import type { Module } from '../module.js';
import type { RickerFeatureMode } from '../../simulators/ricker/features.js';
import { epochProgress } from '../node/epochProgress.js';
import { dataParallel } from '../node/dataParallel.js';

/** The training flags of `npm run ricker`. */
export interface RickerTrainingFlags {
  features: RickerFeatureMode;
  density: 'nsf' | 'maf';
  maxEpochs?: number;
  /** Posteriors trained and mixed. */
  ensemble: number;
  batchSize?: number;
  learningRate?: number;
  /** Helper threads for training (default: one on a machine with 2 or more cores; see `dataParallel`). */
  trainingHelpers?: number;
  quiet: boolean;
}

/**
 * `trainRickerNPE` on simulated (theta, series) pairs, showing `label` on the progress bar;
 * `continueFrom` trains that posterior further instead of a new one.
 */
export function trainRickerWithProgress(
  o: RickerTrainingFlags,
  data: { thetas: Float64Array; xs: Float64Array },
  T: number,
  seed: number,
  label: string,
  continueFrom?: NeuralPosterior & Module,
): RickerNPEResult {
  const progress = epochProgress({ maxEpochs: o.ensemble * (o.maxEpochs ?? RICKER_NPE_DEFAULTS.maxEpochs), label, quiet: o.quiet });
  try {
    return trainRickerNPE({
      thetas: data.thetas,
      ys: data.xs,
      T,
      features: o.features,
      density: o.density,
      seed,
      maxEpochs: o.maxEpochs,
      ensemble: o.ensemble,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      onEpochEnd: progress.onEpochEnd,
      continueFrom,
      parallel: dataParallel({ workers: o.trainingHelpers }),
    });
  } finally {
    progress.stop();
  }
}
