/**
 * Neural posterior estimation for the Ricker model with its defaults: the feature module of
 * `features.ts` (saved inside the posterior, which then takes raw series), a matching embedding
 * network, the prior box, and the core's trainNPE.
 */
import { MLP } from '../../src/nn/mlp.js';
import { Conv1DEmbedding } from '../../src/nn/conv1dEmbedding.js';
import { SlidingWindowEmbedding, type SlidingWindowEmbeddingOptions } from '../../src/nn/slidingWindowEmbedding.js';
import { BlockEmbedding } from '../../src/nn/embedding.js';
import type { Module } from '../../src/module.js';
import type { Embedding } from '../../src/nn/embedding.js';
import { toRandom, type SeedLike } from '../../src/random.js';
import { trainNPE, type NPEOptions, type NPEResult } from '../../src/sbi/npe/trainNPE.js';
import { PosteriorEnsemble } from '../../src/sbi/npe/ensemble.js';
import { NPEPosterior } from '../../src/sbi/npe/posterior.js';
import type { NeuralPosterior } from '../../src/sbi/npe/types.js';
import type { FitResult } from '../../src/train/fit.js';
import { assertPositiveInt } from '../../src/validation.js';
import { cosineSchedule } from '../../src/train/schedules.js';
import { rickerFeatureModule, rickerFeatureWidths, rickerSeriesChannels, type RickerFeatureMode } from './features.js';
import { RICKER_PARAM_NAMES, RICKER_PRIOR_HIGH, RICKER_PRIOR_LOW } from './ricker.js';

/** Options of the sliding-window embedding of the 'windows' mode (length and channels follow from the mode). */
export type RickerWindowOptions = Omit<SlidingWindowEmbeddingOptions, 'length' | 'channels' | 'seed'>;

/**
 * The sliding-window embedding's defaults for the Ricker series (as in the PyTorch experiment of
 * issue 15): windows of 4 consecutive counts, width 32, two 1x1 layers, mean and max pooling,
 * the first 3 counts of every channel passed through (the transient from N_0 = 1).
 */
export const RICKER_WINDOW_DEFAULTS: Required<RickerWindowOptions> = { window: 4, width: 32, pointwiseLayers: 2, pooling: 'both', passThrough: 3, outputs: 32 };

/** The embedding network for a feature mode (null: the z-scored summaries condition directly). */
export function rickerEmbedding(mode: RickerFeatureMode, summaryWidth: number, rawWidth: number, seed?: SeedLike, windowOptions: RickerWindowOptions = {}): Embedding | null {
  const random = toRandom(seed);
  const summaryNet = () => new MLP({ inputs: summaryWidth, hidden: [64], outputs: 32, outputActivation: 'relu', seed: random.fork() });
  const seriesNet = () => new Conv1DEmbedding({ length: rawWidth, channels: [16, 32], kernel: 5, outputs: 32, seed: random.fork() });
  if (mode === 'summaries') return null;
  if (mode === 'raw') return seriesNet();
  if (mode === 'both') return new BlockEmbedding([summaryNet(), seriesNet()]);
  const channels = rickerSeriesChannels(mode);
  const windows = new SlidingWindowEmbedding({ ...RICKER_WINDOW_DEFAULTS, ...windowOptions, length: rawWidth / channels, channels, seed: random.fork() });
  return new BlockEmbedding([summaryNet(), windows]);
}

export interface RickerNPEOptions extends Omit<NPEOptions, 'simulations' | 'thetas' | 'xs' | 'thetaDim' | 'xDim' | 'bounds' | 'embedding' | 'features' | 'continueFrom'> {
  thetas: Float64Array;
  /** Options of the sliding-window embedding (mode 'windows'; default {@link RICKER_WINDOW_DEFAULTS}). */
  windowEmbedding?: RickerWindowOptions;
  /** Simulated series, row-major [n, T]. */
  ys: Float64Array;
  T: number;
  features?: RickerFeatureMode;
  /**
   * Number of posteriors trained (each with its own initialisation, validation split and
   * `maxEpochs`) and mixed with equal weights ({@link PosteriorEnsemble}); 1 gives a plain
   * `NPEPosterior`.
   */
  ensemble?: number;
  /**
   * Continue training this posterior (one returned by `trainRickerNPE`; every member of an
   * ensemble) instead of new ones: its features, standardisations and networks are kept.
   * `features`, `ensemble` and `windowEmbedding` are then taken from it.
   */
  continueFrom?: NeuralPosterior & Module;
}

/**
 * Defaults for the Ricker posterior, chosen by measurement on the TUNING observations only (the
 * committed set `bench/data/ricker/tuning`: 4 series at theta* = (3.8, 0.3, 10) and 8 drawn from
 * the prior, 2 of them with sigma below 0.1, PMMH references; C2ST of 2 000 NPE draws against 2 000 reference draws; expected HPD
 * coverage and SBC on 500 fresh simulations; `node --import tsx bench/rickerTune.ts [flags]`).
 * Pairs below are mean C2ST at theta* / prior-drawn; "2 seeds" is the mean over training seeds 1
 * and 2 (a seed moves a mean by about 0.02 and one observation by up to 0.1).
 * - features 'windows' (the summaries through an MLP beside a sliding-window deep set of
 *   log1p(y), y and 1[y = 0], {@link RICKER_WINDOW_DEFAULTS}), 200 000 simulations, one NSF of 3
 *   transforms, 6 epochs, batch 512, 6e-3 with a cosine decay to 5%, trained with a helper
 *   thread on 2 cores (`dataParallel`, src/node/dataParallel.ts).
 * - Epochs, on all 12 tuning observations with a helper thread (2026-12-04, `--epochs E --seed S`):
 *   5 epochs 0.654 / 0.669, 0.650 / 0.678, 0.667 / 0.666 (seeds 1-3; mean 0.657 / 0.671, train
 *   51-64 s); 6 epochs 0.640 / 0.675, 0.641 / 0.669, 0.652 / 0.651 (seeds 1-3; mean 0.645 / 0.665, 58-68 s); 7 epochs
 *   0.618 / 0.670, 0.643 / 0.693, 0.651 / 0.653 (mean 0.637 / 0.672, 71-84 s); 8 epochs
 *   0.609 / 0.662, 0.651 / 0.650 (mean 0.630 / 0.656, 92-94 s). Every run calibrated (coverage
 *   within 0.03 of each level, SBC passes). More epochs help at theta*, not prior-drawn. 6 is
 *   the most that the 2-minute budget of `npm run ricker` allows with a margin for a slower
 *   host (1.3x slower than this one on 2026-12-03): 7 epochs were tried first and took 101 s end to
 *   end in `npm run bench:ricker` here (train 90.7 s), C2ST on the evaluation set 0.678 / 0.765,
 *   no better than 5 or 6 epochs there; 6 took 78 s.
 * - Feature mode 'markov' (the growth regression beside 'windows'), one thread, 5 epochs, seed 1
 *   on the 12 observations: 0.644 / 0.689 against 0.665 / 0.682 for 'windows' (per observation
 *   in `bench:ricker -- --set tuning --posterior`: better on prior-5, worse on prior-3); with seed 2 on the first 8,
 *   0.662 / 0.663 and SBC failed. Not adopted.
 * - Runs of the same training time that lost (2026-12-04, helper thread, 6 epochs unless said;
 *   the defaults gave 0.640 / 0.675, 0.641 / 0.669, 0.652 / 0.651 with seeds 1-3, mean 0.645 /
 *   0.665, sd ratio about 1.19 / 1.24 / 1.41): an affine autoregressive layer after the splines
 *   (a conditional location and scale; a temporary NSF option, not kept) 0.642 / 0.673 (seeds 1-3),
 *   sd ratio 1.18 / 1.22 / 1.31; 'markov' 0.650 / 0.672 (seeds 1-2); no gradient clipping
 *   (`--clip 0`) 0.645 / 0.657 (seeds 1-3; SBC failed with seed 3, p 0.005 on phi); 1.2e-2 after
 *   half an epoch of linear warm-up (`--lr 0.012 --warmup 0.5`) 0.657 / 0.664 (seeds 1-2); window
 *   width 16 for 9 epochs (`--width 16 --epochs 9`, 64-84 s) 0.648 / 0.660 (seeds 1-2); MAF of 5
 *   transforms for 7 epochs (`--density maf --transforms 5 --epochs 7`, 76 s) 0.628 / 0.684
 *   (seed 1); two more channels of the series, the steps since the last positive count and log1p
 *   of that count (so that a window ending after a run of zeros sees the crash it regrew from; a
 *   temporary feature mode, not kept, 2026-12-06) 0.641 / 0.663, 0.653 / 0.651, 0.637 / 0.665
 *   (seeds 1-3, mean 0.644 / 0.660, sd ratio about 1.16 / 1.21 / 1.31, SBC passes with each; the
 *   defaults' seeds 1-3 reran the same day to the figures above). Every one lands within a
 *   seed's spread of the defaults, and the posteriors stay about 1.2-1.4x too wide whatever the
 *   flow, the embedding's width or the optimiser's settings: at a fixed training time the number
 *   of steps, not these choices, sets the figure.
 * - Before the helper thread (one thread, the first 8 tuning observations, 2026-12-03): 5 epochs,
 *   2 seeds 0.649 / 0.657 (seed 1: 0.665 / 0.660, coverage 0.464 / 0.794 / 0.964, SBC passes;
 *   seed 2: 0.633 / 0.653, SBC p 0.117 / 0.353 / 0.002).
 * - The budget: `npm run ricker` end to end in at most about 2 minutes on 2 cores. Training is
 *   almost all of it; 3 transforms make a step about 25% cheaper than 5, so 5 epochs cost what 4
 *   epochs of 5 transforms did (side by side on an idle host, 2026-12-03: `npm run ricker` trained
 *   70.3 s, 80.0 s in all, against 70.9 s and 82.7 s for the previous defaults).
 * - Runs that lost (2026-12-03): the previous defaults, 5 transforms for 4 epochs, 2 seeds
 *   0.661 / 0.667; 3 transforms for 4 epochs 0.666 / 0.677; 3 transforms, batch 256 from 4e-3
 *   for 4 epochs (about the same time) 0.653 / 0.693; one 1x1 window layer instead of two for 6 epochs
 *   (`--layers 1 --epochs 6`, about the same time) 0.657 / 0.657; windows of 8 steps instead of
 *   4 (`--window 8`, about 5% more arithmetic per step) 0.645 / 0.651; 3 transforms for 6 epochs 0.645 / 0.649
 *   (SBC passes with both seeds), within a seed's spread of 5 epochs for 12% more time (89.5 s in
 *   all), which the budget cannot spare on a busier host; 5 transforms, batch 256 from 4e-3
 *   (seed 1) 0.650 / 0.666 for 1.24x the time; the cosine decay per step instead of per epoch
 *   (`--schedule step`, seed 1) 0.669 / 0.671; 800 000 fresh simulations for one epoch (`--simulations
 *   800000 --epochs 1 --schedule step`) 0.660 / 0.649 with seed 1, 0.680 / 0.671 with seed 2;
 *   1 200 000 for one epoch (`--simulations 1200000 --epochs 1 --schedule step`, the defaults of
 *   2026-12-06 otherwise, seed 1) 0.671 / 0.659. It trained 110 s against 65 s for 6 epochs of
 *   200 000 (as many steps); the difference was not broken down (data preparation alone takes
 *   6.6 s at 200 000 rows, mostly first touches of fresh memory on this host).
 *   Earlier (5 transforms, seed 1, older reference set): 4e-3 0.669, 8e-3 0.663 (SBC p 0.035 on
 *   sigma), 3 epochs 0.678, 100 000 simulations x 7 epochs 0.675.
 * - What limits it (seed 1, 5 transforms; mean sd ratio of NPE draws to reference draws, log r /
 *   sigma / phi, printed by the same script): 4 epochs 0.665 / 0.671, sd ratio 1.21 / 1.27 / 1.32
 *   (too wide); 12 epochs (3x the training time) 0.638 / 0.646, sd ratio 1.08 / 1.21 / 1.17; an
 *   embedding of width 64 0.651 / 0.675, sd ratio 1.20 / 1.24 / 1.32. Training steps, not the
 *   embedding's width, are what the 2-minute budget runs short of.
 * The defaults before issue 15 (features 'both', 20 000 simulations, two posteriors of 45 epochs
 * from 2e-3) scored a mean C2ST of 0.695 on the five observations of the old `npm run bench:ricker`.
 */
export const RICKER_NPE_DEFAULTS = {
  features: 'windows' as RickerFeatureMode,
  /** Simulations from the prior for training (the command line's default). */
  simulations: 200_000,
  batchSize: 512,
  learningRate: 6e-3,
  maxEpochs: 6,
  ensemble: 1,
  /** The NSF's size: 3 transforms (the builder's default hidden layers [64, 64] and 8 bins). */
  flow: { transforms: 3 },
  /** Cosine decay over maxEpochs down to this fraction of the initial rate (unless a schedule is given). */
  cosineFloor: 0.05,
};

/**
 * Rounds after the first of `npm run ricker -- --rounds N` (truncated sequential NPE for one
 * observation): each simulates as many parameters from the truncated prior as round 1 did
 * (`simulationsFraction`) and continues training the previous round's posterior for `maxEpochs` epochs
 * from `learningRate` with the same cosine decay, on the simulations so far whose parameters lie
 * in the round's HPD region (`trainOn: 'region'`: this round's draws from the truncated prior and
 * the earlier draws that fall inside it; see `truncatedSequentialNPE`). Restarting the amortized
 * 6e-3 on a trained network undid round 1 (evaluation theta-1, round 2: C2ST 0.730 against 0.672
 * from scratch); from 2e-3 it refines it. Chosen on the tuning observations theta-1..3 (`npm run
 * bench:ricker-rounds -- --set tuning [flags]`, 2026-12-03 and -04), C2ST after rounds 1 / 2 / 3:
 * - with today's amortized defaults (3 transforms, 6 epochs, a helper thread), 2026-12-04:
 *   - 200 000 simulations per later round (these defaults; `--round-simulations 200000`):
 *     theta-1 0.762 / 0.685 / 0.660, theta-2 0.724 / 0.657 / 0.581, theta-3 0.643 / 0.568 /
 *     0.565; means 0.710 / 0.637 / 0.602, 376 s per observation;
 *   - 100 000 per later round (half of round 1's, the default before): theta-1 0.762 / 0.728 /
 *     0.686, theta-2 0.724 / 0.662 / 0.629, theta-3 0.643 / 0.575 / 0.544; means 0.710 / 0.655 /
 *     0.620, 293 s per observation.
 * - with the amortized defaults of 2026-12-03 (3 transforms, 5 epochs, one thread), 100 000 per later round:
 *   - region, 8 epochs (these defaults; `--train-on region --round-epochs 8`): theta-1
 *     0.744 / 0.761 / 0.712, theta-2 0.654 / 0.612 / 0.630, theta-3 0.645 / 0.580 / 0.535;
 *     means 0.681 / 0.651 / 0.625, 579 s per observation on a shared machine (in this run a
 *     round dropped the earlier draws outside its region for good; now every round filters all
 *     earlier draws again, which changes round 3 only);
 *   - region, 12 epochs (`--round-epochs 12`, every round filtering all earlier draws): theta-1
 *     0.744 / 0.740 / 0.699, theta-2 0.654 / 0.642 / 0.647, theta-3 0.645 / 0.561 / 0.570;
 *     means 0.681 / 0.648 / 0.639, 536 s per observation beside one other job;
 *   - region, 8 epochs from 1e-3 (`--round-lr 1e-3`): theta-1 0.744 / 0.754 / 0.718, theta-2
 *     0.654 / 0.599 / 0.607; means over theta-1..3 0.681 / 0.646 / 0.629, 509 s per observation;
 *   - all simulations so far, 4 epochs (`--train-on all --round-epochs 4`): theta-1
 *     0.744 / 0.773 / 0.756, theta-2 0.654 / 0.625 / 0.636, theta-3 0.645 / 0.599 / 0.542;
 *     means 0.681 / 0.666 / 0.645, 494 s per observation.
 * - with the amortized defaults before (5 transforms, 4 epochs), all simulations so far:
 *   - continue, 4 epochs from 2e-3: means 0.687 / 0.678 / 0.624 (theta-1 0.743 / 0.769 / 0.686,
 *     theta-2 0.664 / 0.636 / 0.597, theta-3 0.653 / 0.629 / 0.590);
 *   - retrain from scratch each round, 4 epochs from 6e-3 (`--scratch --round-lr 6e-3`): means
 *     0.687 / 0.696 / 0.651 (theta-1 0.743 / 0.720 / 0.706, theta-2 0.664 / 0.788 / 0.655,
 *     theta-3 0.653 / 0.581 / 0.593);
 *   - retrain from scratch, 8 epochs from 6e-3: theta-1 0.743 / 0.714 / 0.777, stopped there;
 *   - continue, 4 epochs, 200 000 simulations per later round: theta-1 0.743 / 0.722 / 0.705,
 *     stopped there for time.
 * A round's C2ST moves by several hundredths with its training trajectory, so differences of
 * 0.02 between these means are at the edge of what three observations can show.
 */
export const RICKER_ROUND_DEFAULTS = {
  /**
   * Epochs of round 1 (the prior simulations) when later rounds follow, instead of the amortized
   * default's 6: a run for one observation is not held to the 2-minute budget of `npm run ricker`,
   * and the later rounds start from this posterior. Tuning theta-1..3 (`npm run
   * bench:ricker-rounds -- --set tuning --max-epochs 12`, 2026-12-04): C2ST after rounds
   * 1 / 2 / 3 theta-1 0.749 / 0.741 / 0.674, theta-2 0.627 / 0.536 / 0.546, theta-3 0.649 /
   * 0.565 / 0.560; means 0.675 / 0.614 / 0.593 against 0.710 / 0.637 / 0.602 with 6 epochs,
   * 414 s per observation against 376 s.
   */
  firstRoundEpochs: 12,
  /**
   * Posteriors trained in round 1 and continued in every later round, mixed with equal weights
   * (the amortized default is one). Tuning theta-1..3 (`npm run bench:ricker-rounds -- --set tuning
   * --threads 1 --ensemble 2`, 2026-12-05, beside one other job): C2ST after rounds 1 / 2 / 3
   * theta-1 0.702 / 0.691 / 0.635, theta-2 0.667 / 0.655 / 0.586, theta-3 0.541 / 0.562 / 0.524;
   * means 0.637 / 0.636 / 0.582 against 0.675 / 0.614 / 0.593 for one posterior, at about twice
   * the training time. Runs that lost on the same day (one posterior, one thread, two runs at
   * once): 18 epochs in round 1 (`--max-epochs 18`) theta-1 0.834 / 0.666 / 0.676, theta-2
   * 0.714 / 0.635 / 0.616, theta-3 0.554 / 0.579 / 0.569, means 0.701 / 0.627 / 0.620; 12 epochs
   * in later rounds (`--round-epochs 12`) theta-1 0.763 / 0.759 / 0.667, theta-2 0.645 / 0.610 /
   * 0.566, theta-3 0.559 / 0.547 / 0.572, means 0.656 / 0.639 / 0.602.
   */
  ensemble: 2,
  retrainFromScratch: false,
  /** Later rounds train on every simulation so far ('all') or on those in the round's HPD region ('region'). */
  trainOn: 'region' as 'all' | 'region',
  maxEpochs: 8,
  learningRate: 2e-3,
  /** Simulations of each later round, as a fraction of round 1's (200 000 by default). */
  simulationsFraction: 1,
};

export type RickerNPEResult = { posterior: NeuralPosterior & Module; history: FitResult; histories: FitResult[]; features: RickerFeatureMode };

/** Train the Ricker posterior q(log r, sigma, phi | series) (defaults: {@link RICKER_NPE_DEFAULTS}). */
export function trainRickerNPE(options: RickerNPEOptions): RickerNPEResult {
  const previous = options.continueFrom ? continuedMembers(options.continueFrom) : null;
  const mode = options.features ?? RICKER_NPE_DEFAULTS.features;
  const members = previous ? previous.length : (options.ensemble ?? RICKER_NPE_DEFAULTS.ensemble);
  assertPositiveInt('trainRickerNPE', 'ensemble', members);
  const widths = rickerFeatureWidths(mode, options.T);
  const random = toRandom(options.seed);
  const { ensemble: _ensemble, windowEmbedding, continueFrom: _continueFrom, features: _features, ...rest } = stripUndefined(options);
  const maxEpochs = options.maxEpochs ?? RICKER_NPE_DEFAULTS.maxEpochs;
  const schedule = options.schedule ?? cosineSchedule(maxEpochs, RICKER_NPE_DEFAULTS.cosineFloor);
  const results: NPEResult[] = [];
  try {
    for (let k = 0; k < members; k++) {
      results.push(
        trainNPE({
          batchSize: RICKER_NPE_DEFAULTS.batchSize,
          learningRate: RICKER_NPE_DEFAULTS.learningRate,
          ...rest,
          // A partial flow option (say, only `hidden`) keeps the default's other sizes.
          flow: { ...RICKER_NPE_DEFAULTS.flow, ...rest.flow },
          maxEpochs,
          schedule,
          // One progress scale over all members: epochs of member k follow those of members < k.
          onEpochEnd: options.onEpochEnd ? (info) => options.onEpochEnd!({ ...info, epoch: k * info.maxEpochs + info.epoch, maxEpochs: members * info.maxEpochs }) : undefined,
          thetas: { values: options.thetas, width: RICKER_PARAM_NAMES.length },
          xs: { values: options.ys, width: options.T },
          ...(previous
            ? { continueFrom: previous[k] }
            : {
                features: rickerFeatureModule(mode, options.T),
                bounds: { low: RICKER_PRIOR_LOW, high: RICKER_PRIOR_HIGH },
                embedding: rickerEmbedding(mode, widths.summaryWidth, widths.rawWidth, random.fork(), windowEmbedding),
              }),
          parameterNames: [...RICKER_PARAM_NAMES],
          seed: random.fork(),
        }),
      );
    }
  } catch (error) {
    if (!previous) results.forEach((r) => r.posterior.dispose());
    throw error;
  }
  const histories = results.map((r) => r.history);
  const posterior = options.continueFrom ?? (members === 1 ? results[0].posterior : new PosteriorEnsemble(results.map((r) => r.posterior)));
  return { posterior, history: histories[0], histories, features: mode };
}

/** The NPE posteriors inside a posterior that `trainRickerNPE` returned (one, or an ensemble's members). */
function continuedMembers(posterior: NeuralPosterior & Module): NPEPosterior[] {
  const members = posterior instanceof PosteriorEnsemble ? posterior.members : [posterior];
  if (!members.every((m) => m instanceof NPEPosterior)) throw new Error('trainRickerNPE: continueFrom must be a posterior returned by trainRickerNPE (an NPEPosterior or an ensemble of them)');
  return members as NPEPosterior[];
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
