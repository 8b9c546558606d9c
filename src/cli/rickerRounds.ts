/**
 * `npm run ricker -- --rounds N` (N > 1): truncated sequential NPE for the one observation
 * (src/sbi/npe/truncatedSequential.ts) with the Ricker trainer. Round 1 trains the amortized
 * posterior of `--rounds 1` (the same prior simulations and training seed) for
 * `--first-round-epochs` (12) instead of `--max-epochs` (6), since a run for one observation is not
 * held to the amortized pipeline's 2-minute budget; each later round
 * simulates from the prior truncated to the current posterior's highest-density region for the
 * observation and continues training the posterior, from a lower learning rate, on the
 * simulations so far whose parameters lie in that region ({@link RICKER_ROUND_DEFAULTS}). The result is valid for this observation only.
 */
import { rickerPrior } from '../../simulators/ricker/ricker.js';
import { RICKER_ROUND_DEFAULTS } from '../../simulators/ricker/npe.js';
import { simulateDataset } from '../node/simulateDataset.js';
import { createProgress } from '../node/progress.js';
import { trainRickerWithProgress, type RickerTrainingFlags } from './rickerTraining.js';
import { truncatedSequentialNPE, type RoundReport } from '../sbi/npe/truncatedSequential.js';
import type { SimulateDatasetResult } from '../sbi/simulation/simulateDataset.js';
import type { FitResult } from '../train/fit.js';
import type { NeuralPosterior } from '../sbi/npe/types.js';
import type { Module } from '../module.js';

export interface RickerRoundsOptions extends RickerTrainingFlags {
  observation: number[];
  /** Round 1's prior simulations (the pipeline's, also used for ABC). */
  firstRound: SimulateDatasetResult;
  rounds: number;
  /** Epochs of round 1 (default {@link RICKER_ROUND_DEFAULTS}.firstRoundEpochs). */
  firstRoundEpochs?: number;
  /** Simulations of each later round. */
  roundSimulations: number;
  /** Epochs of each later round (default {@link RICKER_ROUND_DEFAULTS}.maxEpochs). */
  roundEpochs?: number;
  /** Initial learning rate of each later round (default {@link RICKER_ROUND_DEFAULTS}.learningRate). */
  roundLearningRate?: number;
  /** What each later round trains on: every simulation so far, or those in its HPD region (default {@link RICKER_ROUND_DEFAULTS}.trainOn). */
  roundTraining?: 'all' | 'region';
  seed: number;
}

/** What the summary records of the rounds (per-round figures; the posterior is for this observation only). */
export interface RickerRoundsSummary {
  rounds: number;
  simulationsPerLaterRound: number;
  /** Epochs of round 1 (the prior simulations). */
  firstRound: { maxEpochs: number };
  /** How rounds after the first train: continuing the previous posterior or from scratch, epochs, initial learning rate. */
  laterRounds: { continueTraining: boolean; maxEpochs: number; learningRate: number; trainOn: 'all' | 'region' };
  totalSimulations: number;
  validFor: string;
  perRound: Omit<RoundReport, 'history'>[];
}

/** Run rounds 1..N; returns the last posterior, the last round's training histories and the summary. */
export async function trainRickerRounds(o: RickerRoundsOptions): Promise<{ posterior: NeuralPosterior & Module; histories: FitResult[]; summary: RickerRoundsSummary }> {
  const T = o.observation.length;
  const log = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  let histories: FitResult[] = [];
  const firstRoundEpochs = o.firstRoundEpochs ?? RICKER_ROUND_DEFAULTS.firstRoundEpochs;
  const later = { maxEpochs: o.roundEpochs ?? RICKER_ROUND_DEFAULTS.maxEpochs, learningRate: o.roundLearningRate ?? RICKER_ROUND_DEFAULTS.learningRate };
  const trainOn = o.roundTraining ?? RICKER_ROUND_DEFAULTS.trainOn;
  const result = await truncatedSequentialNPE<NeuralPosterior & Module>({
    simulator: { module: new URL('../../simulators/ricker/ricker.js', import.meta.url).href, export: 'ricker', options: { T } },
    prior: rickerPrior(),
    observation: o.observation,
    rounds: o.rounds,
    simulations: o.firstRound.n,
    simulationsPerRound: o.roundSimulations,
    seed: o.seed + 3,
    // Round 1 reuses the pipeline's prior simulations; later rounds simulate the truncated prior.
    simulate: async (options) => {
      if (options.thetas === undefined) return o.firstRound;
      const bar = createProgress({ total: options.n ?? 0, label: 'simulating (truncated prior)', quiet: o.quiet });
      try {
        return await simulateDataset({ ...options, onProgress: (done) => bar.update(done) });
      } finally {
        bar.stop();
      }
    },
    // Later rounds continue the previous round's posterior from a lower learning rate (measured
    // in the doc comment of RICKER_ROUND_DEFAULTS).
    retrainFromScratch: RICKER_ROUND_DEFAULTS.retrainFromScratch,
    trainOn,
    train: (data, { round, seed, previous }) => {
      // Round 1 with the pipeline's training seed: the amortized posterior of --rounds 1, trained longer.
      const label = `round ${round}/${o.rounds}: training on ${data.n}`;
      const trained =
        round === 1
          ? trainRickerWithProgress({ ...o, maxEpochs: firstRoundEpochs }, data, T, o.seed + 1, label)
          : trainRickerWithProgress({ ...o, ...later }, data, T, seed, label, previous ?? undefined);
      histories = trained.histories;
      return { posterior: trained.posterior, history: trained.histories };
    },
    onRoundStart: (round, n) => log(`round ${round}/${o.rounds}: ${n} simulations from ${round === 1 ? 'the prior' : 'the prior truncated to the HPD region of the posterior'}`),
    onRoundEnd: (r) =>
      log(
        `round ${r.round}/${o.rounds}: ${r.kept} kept, ${r.trainingRows} training rows` +
          (r.threshold === null ? '' : `, acceptance ${r.acceptanceRate.toFixed(4)} of ${r.proposed} prior proposals`) +
          `; ${r.seconds.total.toFixed(1)} s`,
      ),
  });
  const ms = (v: number) => Math.round(v * 1000) / 1000;
  const perRound = result.rounds.map(({ history: _history, seconds, ...r }) => ({
    ...r,
    seconds: { truncation: ms(seconds.truncation), simulate: ms(seconds.simulate), train: ms(seconds.train), total: ms(seconds.total) },
  }));
  return {
    posterior: result.posterior,
    histories,
    summary: {
      rounds: o.rounds,
      simulationsPerLaterRound: o.roundSimulations,
      firstRound: { maxEpochs: firstRoundEpochs },
      laterRounds: { continueTraining: !RICKER_ROUND_DEFAULTS.retrainFromScratch, ...later, trainOn },
      totalSimulations: perRound.reduce((s, r) => s + r.simulations, 0),
      validFor: 'this observation only: later rounds simulate near it, so the posterior is biased for other observations (and is not amortized)',
      perRound,
    },
  };
}
