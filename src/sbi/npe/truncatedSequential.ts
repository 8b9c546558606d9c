/**
 * Truncated sequential neural posterior estimation (TSNPE; Deistler, Gonçalves & Macke 2022,
 * "Truncated proposals for scalable and hassle-free simulation-based inference", NeurIPS; sbi's
 * `NPE` with `get_density_thresholder` and `RestrictedPrior`): inference for one observation x_o
 * in rounds, spending later simulations where the posterior of x_o lives.
 */
import * as tf from '@tensorflow/tfjs';
import { toRandom, type SeedLike } from '../../random.js';
import { isFlat, readRowsOrFlat, selectRows, type RowsInput } from '../../rows.js';
import { simulateDataset as simulateOnThisThread, type SimulateDatasetOptions, type SimulateDatasetResult } from '../simulation/simulateDataset.js';
import type { Prior } from '../simulation/prior.js';
import type { Simulator, SimulatorModuleRef } from '../simulation/simulator.js';
import type { FitResult } from '../../train/fit.js';
import { trainNPE, type NPEOptions } from './trainNPE.js';
import type { NeuralPosterior } from './types.js';
import type { NPEPosterior } from './posterior.js';
import { hpdThreshold, TruncatedPrior } from './truncation.js';

/** A posterior that a round trains (draws, log densities, `dispose`): an `NPEPosterior` or an ensemble. */
export type RoundPosterior = NeuralPosterior;

/**
 * The pairs a round trains on: the kept simulations of this and the previous rounds (all of them,
 * or with `trainOn: 'region'` those whose parameters lie in this round's region).
 */
export interface RoundData {
  /** Row-major n x thetaDim. */
  thetas: Float64Array;
  /** Row-major n x outputDim (raw simulator outputs). */
  xs: Float64Array;
  n: number;
  thetaDim: number;
  outputDim: number;
}

/** What the trainer is told about the round it trains. */
export interface RoundContext<P extends RoundPosterior = RoundPosterior> {
  /** 1-based round number. */
  round: number;
  /** A seed for this round's training (derived from the run's seed). */
  seed: number;
  /**
   * The previous round's posterior to continue training (null in round 1, and in every round with
   * `retrainFromScratch`). A trainer that returns this object keeps it; any other is disposed.
   */
  previous: P | null;
}

/** Trains a posterior on the union of all rounds' simulations (with the plain NPE loss). */
export type RoundTrainer<P extends RoundPosterior = RoundPosterior> = (data: RoundData, context: RoundContext<P>) => { posterior: P; history?: FitResult | FitResult[] };

/** One round's figures. */
export interface RoundReport {
  round: number;
  /** Simulations requested from the proposal in this round. */
  simulations: number;
  /** Of those, kept (finite) and dropped. */
  kept: number;
  dropped: number;
  /** Training rows: kept simulations of this and the previous rounds (with `trainOn: 'region'`, those in this round's region). */
  trainingRows: number;
  /** log q threshold of the region this round's parameters were drawn from (null: the prior). */
  threshold: number | null;
  /** Prior draws proposed and the fraction accepted into the region (1 for the prior itself). */
  proposed: number;
  acceptanceRate: number;
  /** Wall-clock seconds: the HPD threshold and truncated sampling, the simulations, training. */
  seconds: { truncation: number; simulate: number; train: number; total: number };
  history?: FitResult | FitResult[];
}

export interface TruncatedSequentialOptions<P extends RoundPosterior = RoundPosterior> {
  /** The simulator, or where workers can import one. */
  simulator: Simulator | SimulatorModuleRef;
  prior: Prior;
  /** The single observation x_o (raw, as the simulator outputs it): one row. */
  observation: RowsInput | ArrayLike<number>;
  /** Rounds (>= 1; 1 is plain amortized NPE on prior simulations). */
  rounds: number;
  /** Simulations of round 1, from the prior. */
  simulations: number;
  /** Simulations of each later round, from the truncated prior (default: `simulations`). */
  simulationsPerRound?: number;
  /**
   * Trains a round's posterior on the union of the simulations so far. Default: `trainNPE` with
   * `npe` and the prior's bounds, continuing the previous round's posterior (`continueFrom`)
   * unless `retrainFromScratch`.
   */
  train?: RoundTrainer<P>;
  /**
   * Train every round's posterior from a new initialisation (sbi's `retrain_from_scratch=True`)
   * instead of continuing the previous round's network and standardisations (default false, as sbi).
   */
  retrainFromScratch?: boolean;
  /**
   * What a later round trains on: 'all' simulations so far (default, as sbi), or 'region': only
   * those whose parameters lie in this round's HPD region (this round's draws, and the earlier
   * rounds' draws that fall inside it). Earlier draws filtered to the region are draws of the prior
   * truncated to it (when the regions are nested), so the plain NPE loss stays valid for x_o; the
   * training time goes to the part of parameter space that matters for x_o. Every round filters
   * all earlier draws again (a region may reach where an earlier one did not).
   */
  trainOn?: 'all' | 'region';
  /** Options of the default trainer (ignored with `train`). */
  npe?: Omit<NPEOptions, 'simulations' | 'thetas' | 'xs' | 'thetaDim' | 'xDim' | 'seed'>;
  /** HPD region: the mass left outside (default 1e-4) and posterior draws that estimate it (default 10 000). */
  quantile?: number;
  thresholdSamples?: number;
  /** Rejection sampling of the truncated prior: proposals per batch and the lowest acceptance rate allowed. */
  proposalBatch?: number;
  minAcceptanceRate?: number;
  /**
   * Runs the simulations (default: the root entry's `simulateDataset`, on this thread; pass the
   * `flowsbi/node` one for worker threads). It receives the simulator, the round's proposal as
   * `prior`, `n`, an integer `seed` and `onProgress`.
   */
  simulate?: (options: SimulateDatasetOptions) => Promise<SimulateDatasetResult>;
  seed?: SeedLike;
  /**
   * Called when a round starts (with its simulation count) and when it ends, with its report and
   * its posterior (valid during the call only: it is disposed after the next round's training).
   */
  onRoundStart?: (round: number, simulations: number) => void;
  onRoundEnd?: (report: RoundReport, posterior: P) => void | Promise<void>;
  /** Simulation progress of the current round. */
  onSimulationProgress?: (round: number, done: number, total: number) => void;
}

export interface TruncatedSequentialResult<P extends RoundPosterior = RoundPosterior> {
  /** The last round's posterior: valid for the observation x_o only (when rounds > 1). */
  posterior: P;
  rounds: RoundReport[];
}

/**
 * TSNPE for one observation x_o (Deistler et al. 2022, Algorithm 1; as sbi's tutorial loop
 * `proposal = RestrictedPrior(prior, get_density_thresholder(posterior, quantile=1e-4))`).
 * - Round 1: `simulations` parameters from the prior, simulated, and a posterior trained on them
 *   (amortized NPE).
 * - Round r > 1: the HPD region of the current posterior for x_o is {theta : log q(theta | x_o)
 *   >= threshold}, threshold the `quantile` (1e-4) quantile of log q over `thresholdSamples`
 *   (10 000) posterior draws ({@link hpdThreshold}); `simulationsPerRound` parameters are drawn from
 *   the prior truncated to it by rejection ({@link TruncatedPrior}), simulated, appended to all
 *   earlier simulations, and a posterior is trained on the union with the plain maximum-likelihood
 *   NPE loss (sbi's `train(force_first_round_loss=True)`).
 * Why the plain loss is valid: every round's proposal is the prior times an indicator of a region
 * that (up to the epsilon mass cut off) contains the true posterior of x_o, so within the region
 * the mixture of proposals is proportional to the prior and the NPE estimate trained on the union
 * converges to the true posterior at x_o, without the proposal correction of SNPE-A/C (the paper,
 * section 3). The estimate for other observations is biased: the final posterior is valid for x_o
 * only. As in sbi, each round continues training the previous round's network on the union (its
 * standardisations stay those of round 1); `retrainFromScratch` trains a new posterior each round
 * instead (sbi's `retrain_from_scratch=True`, which the paper also allows).
 * Seeded: the same seed gives the same rounds (simulations, thresholds, proposals, training).
 * Intermediate posteriors are disposed; the caller disposes the returned one.
 */
export async function truncatedSequentialNPE<P extends RoundPosterior = RoundPosterior>(options: TruncatedSequentialOptions<P>): Promise<TruncatedSequentialResult<P>> {
  const where = 'truncatedSequentialNPE';
  const { prior, rounds, simulations } = options;
  const perRound = options.simulationsPerRound ?? simulations;
  const trainOn = options.trainOn ?? 'all';
  if (trainOn !== 'all' && trainOn !== 'region') throw new Error(`${where}: trainOn must be 'all' or 'region'; received ${String(trainOn)}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`${where}: rounds must be an integer >= 1; received ${rounds}`);
  if (!Number.isInteger(simulations) || simulations < 1) throw new Error(`${where}: simulations must be a positive integer; received ${simulations}`);
  if (!Number.isInteger(perRound) || perRound < 1) throw new Error(`${where}: simulationsPerRound must be a positive integer; received ${perRound}`);
  const input = options.observation;
  // A flat array is one observation: its length is the width.
  const flatWidth = isFlat(input) ? input.length : undefined;
  const observed = readRowsOrFlat(where, 'observation', 'its width', input, flatWidth);
  if (observed.rows !== 1) throw new Error(`${where}: observation must be a single row (one x_o); received ${observed.rows} rows`);
  const simulate = options.simulate ?? simulateOnThisThread;
  const train = options.train ?? (defaultTrainer(prior, options.npe) as unknown as RoundTrainer<P>);
  const random = toRandom(options.seed);
  const xo = tf.tensor2d(Float32Array.from(observed.values), [1, observed.width]);

  const thetaParts: Float64Array[] = [];
  const xParts: Float64Array[] = [];
  const reports: RoundReport[] = [];
  let posterior: P | null = null;
  try {
    for (let round = 1; round <= rounds; round++) {
      const n = round === 1 ? simulations : perRound;
      const seeds = { threshold: random.nextSeed(), proposal: random.nextSeed(), simulate: random.nextSeed(), train: random.nextSeed() };
      options.onRoundStart?.(round, n);
      const t0 = performance.now();
      let threshold: number | null = null;
      let thetas: Float64Array | undefined;
      let proposed = n;
      let acceptanceRate = 1;
      let inRegion: number[][] | null = null;
      if (posterior) {
        threshold = hpdThreshold(posterior, xo, { quantile: options.quantile, samples: options.thresholdSamples, seed: seeds.threshold });
        const truncated = new TruncatedPrior(prior, posterior, xo, { threshold, batch: options.proposalBatch, minAcceptanceRate: options.minAcceptanceRate });
        ({ thetas, proposed, acceptanceRate } = truncated.sampleWithStats(n, seeds.proposal));
        // trainOn 'region': this round trains on the earlier rounds' draws that lie in its region.
        if (trainOn === 'region') inRegion = thetaParts.map((part) => rowsWhere(truncated.contains(part)));
      }
      const t1 = performance.now();
      const sim = await simulate({
        simulator: options.simulator,
        ...(thetas ? { thetas } : { prior }),
        n,
        seed: seeds.simulate,
        onProgress: options.onSimulationProgress ? (done, total) => options.onSimulationProgress!(round, done, total) : undefined,
      });
      if (sim.n === 0) throw new Error(`${where}: all ${n} simulations of round ${round} failed (${sim.firstError ?? 'non-finite outputs'})`);
      thetaParts.push(sim.thetas);
      xParts.push(sim.xs);
      const t2 = performance.now();
      // Every simulation so far, or (trainOn 'region') this round's and the earlier ones inside its region.
      const pick = (parts: Float64Array[], width: number) => (inRegion ? [...inRegion.map((rows, k) => selectRows(parts[k], width, rows)), parts[parts.length - 1]] : parts);
      const data = { thetas: concat(pick(thetaParts, sim.thetaDim)), xs: concat(pick(xParts, sim.outputDim)), n: 0, thetaDim: sim.thetaDim, outputDim: sim.outputDim };
      data.n = data.thetas.length / data.thetaDim;
      const previous = options.retrainFromScratch ? null : posterior;
      if (!previous) {
        posterior?.dispose();
        posterior = null;
      }
      const trained = train(data, { round, seed: seeds.train, previous });
      if (posterior && trained.posterior !== posterior) posterior.dispose();
      posterior = trained.posterior;
      const t3 = performance.now();
      const report: RoundReport = {
        round,
        simulations: n,
        kept: sim.n,
        dropped: sim.dropped,
        trainingRows: data.n,
        threshold,
        proposed,
        acceptanceRate,
        seconds: { truncation: (t1 - t0) / 1000, simulate: (t2 - t1) / 1000, train: (t3 - t2) / 1000, total: (t3 - t0) / 1000 },
        history: trained.history,
      };
      reports.push(report);
      await options.onRoundEnd?.(report, posterior);
    }
  } catch (error) {
    posterior?.dispose();
    throw error;
  } finally {
    xo.dispose();
  }
  return { posterior: posterior as P, rounds: reports };
}

function defaultTrainer(prior: Prior, npe: TruncatedSequentialOptions['npe']): RoundTrainer<NPEPosterior> {
  return (data, { seed, previous }) => {
    const { posterior, history } = trainNPE({ bounds: prior.bounds ?? null, ...npe, simulations: data, seed, continueFrom: previous ?? undefined });
    return { posterior, history };
  };
}

/** The indices where `mask` is 1. */
function rowsWhere(mask: Uint8Array): number[] {
  const rows: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) rows.push(i);
  return rows;
}

function concat(parts: Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0];
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
