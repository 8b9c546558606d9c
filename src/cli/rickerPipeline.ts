/**
 * The Ricker pipeline behind `npm run ricker`: simulate from the prior, train the amortized
 * posterior (NPE), sample it for the observation, compare with rejection ABC on the same
 * simulations, check calibration on fresh simulations, and write samples, the saved posterior,
 * a summary and figures. `--method abc` and `--method pmmh` run those alone; `--posterior`
 * reuses a saved posterior and only samples.
 */
import { ricker, rickerPrior, RICKER_PARAM_NAMES } from '../../simulators/ricker/ricker.js';
import { rickerObservationFeatures, type RickerFeatureMode } from '../../simulators/ricker/features.js';
import { rickerSummaries, RICKER_SUMMARY_COUNT } from '../../simulators/ricker/summaries.js';
import { rickerStateSpace } from '../../simulators/ricker/stateSpace.js';
import { simulateDataset } from '../node/simulateDataset.js';
import { RICKER_NPE_DEFAULTS, RICKER_ROUND_DEFAULTS } from '../../simulators/ricker/npe.js';
import { rickerImportanceSampled, RICKER_IMPORTANCE_DEFAULTS } from '../../simulators/ricker/importance.js';
import { rejectionABC } from '../sbi/abc.js';
import { pmmh, pmmhDraws } from '../sbi/mcmc/pmmh.js';
import { sbc, sbcOfCounts, type SbcResult } from '../sbi/diagnostics/sbc.js';
import { coverageOfCounts, expectedCoverage, type ExpectedCoverageResult } from '../sbi/diagnostics/coverage.js';
import { posteriorRankCounts } from '../sbi/diagnostics/ranks.js';
import type { AmortizedPosterior, NeuralPosterior } from '../sbi/npe/types.js';
import type { Module } from '../module.js';
import { defaultHelpers } from '../node/dataParallel.js';
import { PosteriorEnsemble } from '../sbi/npe/ensemble.js'; // also registers PosteriorEnsemble for loadModel
import { NPEPosterior } from '../sbi/npe/posterior.js';
import { UsageError } from './args.js';
import { loadModel } from '../node/files.js';
import { serializeModule } from '../io/format.js';
import { createProgress } from '../node/progress.js';
import type { FitResult } from '../train/fit.js';
import { trainRickerRounds } from './rickerRounds.js';
import { trainRickerWithProgress } from './rickerTraining.js';
import { StagedOutput, summarize, toCsv, type ParameterSummary } from './outputs.js';

export const CSV_HEADER = ['logr', 'sigma', 'phi'];

export interface RickerPipelineOptions {
  observation: number[];
  /** Where the observation came from ('built-in' or a file path). */
  observationSource: string;
  /** The parameters that generated the observation, when known. */
  trueTheta: number[] | null;
  simulations: number;
  samples: number;
  seed: number;
  out: string;
  method: 'npe' | 'abc' | 'pmmh';
  posteriorFile?: string;
  quiet: boolean;
  features: RickerFeatureMode;
  density: 'nsf' | 'maf';
  /** Fresh simulations for the calibration check (SBC, coverage); 0 skips it. */
  calibrationSimulations: number;
  /** Accepted simulations for rejection ABC (default 1% of the simulations, at least 50). */
  abcK?: number;
  maxEpochs?: number;
  /** Posteriors trained and mixed (default {@link RICKER_NPE_DEFAULTS}.ensemble, or {@link RICKER_ROUND_DEFAULTS}.ensemble with `rounds` > 1). */
  ensemble?: number;
  batchSize?: number;
  learningRate?: number;
  /** Helper threads for training (0 or 1; default: 1 on a machine with 2 or more cores; see `dataParallel`). */
  trainingHelpers?: number;
  /**
   * Rounds of truncated sequential NPE for this observation (default 1: the amortized posterior);
   * with more, the posterior is valid for this observation only (src/cli/rickerRounds.ts).
   */
  rounds?: number;
  /** Epochs of round 1 when there are later rounds (default: RICKER_ROUND_DEFAULTS.firstRoundEpochs; `maxEpochs` is the amortized posterior's). */
  firstRoundEpochs?: number;
  /** Simulations of each round after the first (default: as many as `simulations`, RICKER_ROUND_DEFAULTS.simulationsFraction). */
  roundSimulations?: number;
  /** Epochs and initial learning rate of each round after the first (defaults: RICKER_ROUND_DEFAULTS). */
  roundEpochs?: number;
  roundLearningRate?: number;
  /** What each round after the first trains on (default: RICKER_ROUND_DEFAULTS.trainOn). */
  roundTraining?: 'all' | 'region';
  /**
   * Importance sampling of the NPE draws against the particle-filter likelihood (default
   * RICKER_IMPORTANCE_DEFAULTS; proposals 0: the neural posterior's own draws).
   */
  importance?: { proposals: number; particles: number };
  /** Write figures (default true). */
  figures?: boolean;
}

/** Below this effective sample size the corrected draws repeat few proposals: the run warns. */
const LOW_IMPORTANCE_ESS = 50;

export interface RickerPipelineResult {
  summary: Record<string, unknown>;
  table: ParameterSummary[];
  abcTable: ParameterSummary[] | null;
  files: string[];
}

const T_DEFAULT = 50;

/** Run the pipeline; all files are written at the end, together. */
export async function runRickerPipeline(o: RickerPipelineOptions): Promise<RickerPipelineResult> {
  const t0 = performance.now();
  const T = o.observation.length || T_DEFAULT;
  const timings: Record<string, number> = {};
  const time = async <R>(stage: string, f: () => R | Promise<R>): Promise<R> => {
    const s = performance.now();
    const r = await f();
    timings[stage] = Math.round(performance.now() - s) / 1000;
    return r;
  };
  const names = [...RICKER_PARAM_NAMES];
  const out = await StagedOutput.create(o.out);
  try {
    const summary: Record<string, unknown> = {
      method: o.posteriorFile ? 'npe (saved posterior)' : o.method,
      observation: { source: o.observationSource, length: T, values: o.observation, trueParameters: o.trueTheta },
      seed: o.seed,
    };
    let samples: Float64Array;
    let abcSamples: Float64Array | null = null;
    let history: FitResult | null = null;
    let histories: FitResult[] = [];
    let calibration: Awaited<ReturnType<typeof calibrate>> | null = null;

    if (o.posteriorFile) {
      const { module: posterior, metadata } = await time('load', () => loadSavedPosterior(o.posteriorFile!));
      const mode = (metadata.features as RickerFeatureMode | undefined) ?? 'both';
      if (metadata.T !== undefined && metadata.T !== T) {
        throw new Error(`ricker: the saved posterior was trained on series of length ${metadata.T}; the observation has ${T} counts`);
      }
      const drawn = await time('sample', () => drawPosterior(posterior, mode, o, o.seed));
      samples = drawn.samples;
      if (drawn.importance) summary.importanceSampling = drawn.importance;
      summary.posterior = { file: o.posteriorFile, trainedWith: metadata };
      const trainedFor = metadata.observation as number[] | undefined;
      if (trainedFor && trainedFor.some((v, t) => v !== o.observation[t])) {
        // A posterior of --rounds > 1 is valid only for the observation it was trained for.
        const warning = `the saved posterior was trained with --rounds ${String(metadata.rounds)} for another observation; its draws are not a valid posterior for this one`;
        (summary.posterior as Record<string, unknown>).warning = warning;
        process.stderr.write(`ricker: warning: ${warning}\n`);
      }
      posterior.dispose();
    } else if (o.method === 'pmmh') {
      const result = await time('pmmh', () => runPmmh(o));
      samples = result.samples;
      summary.pmmh = result.report;
    } else {
      const sim = await time('simulate', () => simulate({ T, quiet: o.quiet }, o.simulations, o.seed, 'simulating'));
      summary.simulations = { requested: o.simulations, kept: sim.n, dropped: sim.dropped, droppedThrew: sim.droppedThrew, droppedNonFinite: sim.droppedNonFinite, workers: sim.workers };
      const abcK = o.abcK ?? Math.max(50, Math.round(sim.n / 100));
      abcSamples = await time('abc', () => runABC(sim.thetas, sim.xs, sim.n, T, o.observation, abcK));
      summary.abc = { k: abcK, of: sim.n, table: summarize(abcSamples, names) };
      if (o.method === 'abc') {
        samples = abcSamples;
      } else {
        const rounds = o.rounds ?? 1;
        const members = o.ensemble ?? (rounds > 1 ? RICKER_ROUND_DEFAULTS.ensemble : RICKER_NPE_DEFAULTS.ensemble);
        const trained = rounds > 1
          ? await time('rounds', () => trainRickerRounds({ ...o, firstRound: sim, rounds, roundSimulations: o.roundSimulations ?? Math.ceil(o.simulations * RICKER_ROUND_DEFAULTS.simulationsFraction), ensemble: members }))
          : await time('train', () => ({ ...trainRickerWithProgress({ ...o, ensemble: members }, sim, T, o.seed + 1, members > 1 ? `training ${members} posteriors` : 'training'), summary: null }));
        if (trained.summary) summary.rounds = trained.summary;
        history = trained.histories[0];
        histories = trained.histories;
        const posterior = trained.posterior;
        summary.training = {
          density: o.density,
          features: o.features,
          batchSize: history.batchSize,
          learningRate: o.learningRate ?? RICKER_NPE_DEFAULTS.learningRate,
          ensemble: members,
          threads: 1 + (o.trainingHelpers ?? defaultHelpers()),
          // Per member (one entry each).
          epochs: histories.map((h) => h.epochs),
          bestEpoch: histories.map((h) => h.bestEpoch),
          bestValidationLoss: histories.map((h) => h.bestValidationLoss),
          stopReason: histories.map((h) => h.stopReason),
          trainRows: history.trainRows,
          validationRows: history.validationRows,
          parameters: posterior.parameterCount(),
        };
        const drawn = await time('sample', () => drawPosterior(posterior, o.features, o, o.seed + 2));
        samples = drawn.samples;
        if (drawn.importance) summary.importanceSampling = drawn.importance;
        if (o.calibrationSimulations > 0 && rounds > 1) {
          summary.calibration = { skipped: 'SBC and coverage average over prior-drawn observations, for which a posterior of --rounds > 1 is not valid' };
        } else if (o.calibrationSimulations > 0) {
          calibration = await time('calibration', () => calibrate(o, posterior, T));
          // Of the network, which is amortized; its importance-sampled draws are calibrated by `npm run bench:ricker`.
          summary.calibration = { of: 'the neural posterior (without importance sampling)', ...calibration.report };
        }
        const metadata = {
          features: o.features, T, simulations: sim.n, seed: o.seed, density: o.density, parameterNames: names,
          ...(rounds > 1 ? { rounds, validFor: `only the observation it was trained for (${o.observationSource}): --rounds ${rounds}`, observation: o.observation } : {}),
        };
        const { json, weights } = serializeModule(posterior, { metadata, weightsPath: 'posterior.weights.bin' });
        await out.write('posterior.json', JSON.stringify(json));
        await out.write('posterior.weights.bin', new Uint8Array(weights));
        posterior.dispose();
      }
    }

    const table = summarize(samples, names);
    summary.posteriorSamples = { count: samples.length / RICKER_PARAM_NAMES.length, table };
    await out.write('posterior_samples.csv', toCsv(CSV_HEADER, samples));
    if (o.figures !== false) {
      // The plotting stack (vega, resvg) loads only when figures are written: 0.6 s of start-up.
      const { writeRickerFigures } = await import('./rickerFigures.js');
      await time('figures', () =>
        writeRickerFigures(out, { samples, samplesLabel: samplesLabel(o, summary.importanceSampling !== undefined), abcSamples: o.method === 'npe' ? abcSamples : null, trueTheta: o.trueTheta, histories, calibration: calibration?.plots ?? null }),
      );
    }
    timings.total = Math.round(performance.now() - t0) / 1000;
    summary.wallTimeSeconds = timings;
    await out.write('summary.json', JSON.stringify(summary, null, 2) + '\n');
    const files = await out.commit();
    return { summary, table, abcTable: o.method === 'npe' && abcSamples ? summarize(abcSamples, names) : null, files };
  } catch (e) {
    await out.discard();
    throw e;
  }
}

async function simulate(o: { T: number; quiet: boolean }, n: number, seed: number, label: string) {
  const bar = createProgress({ total: n, label, quiet: o.quiet });
  const sim = await simulateDataset({
    simulator: { module: new URL('../../simulators/ricker/ricker.js', import.meta.url).href, export: 'ricker', options: { T: o.T } },
    prior: rickerPrior(),
    n,
    seed,
    onProgress: (done) => bar.update(done),
  });
  bar.stop();
  if (sim.n === 0) throw new Error(`ricker: all ${n} simulations failed (${sim.firstError ?? 'non-finite outputs'})`);
  return sim;
}

/**
 * The saved posterior of `--posterior`. A file that is missing, unreadable or corrupt, or that holds
 * another kind of model (a plain Flow, say), is bad input: a UsageError (exit status 2) naming
 * the file and the problem.
 */
async function loadSavedPosterior(file: string): Promise<{ module: NeuralPosterior & Module; metadata: Record<string, unknown> }> {
  let loaded;
  try {
    loaded = await loadModel<Module>(file);
  } catch (e) {
    throw new UsageError(`ricker: --posterior ${file}: ${(e as Error).message}`);
  }
  const m = loaded.module;
  if (!(m instanceof NPEPosterior || m instanceof PosteriorEnsemble)) {
    m.dispose();
    throw new UsageError(`ricker: --posterior ${file} holds a ${m.constructor.name}, not a posterior saved by npm run ricker (NPEPosterior or PosteriorEnsemble)`);
  }
  return { module: m, metadata: loaded.metadata };
}

/** The figures' name for the draws. */
function samplesLabel(o: RickerPipelineOptions, importance: boolean): string {
  if (importance) return 'NPE-IS';
  return o.posteriorFile ? 'NPE' : o.method.toUpperCase();
}

/**
 * The NPE draws for the observation: importance-sampled against the particle-filter likelihood
 * (`rickerImportanceSampled`) unless `o.importance.proposals` is 0 or the posterior predates
 * feature modules. Returns the draws and, when importance sampling ran, its report (with the
 * neural posterior's own summary beside it) for summary.json.
 */
function drawPosterior(posterior: NeuralPosterior, mode: RickerFeatureMode, o: RickerPipelineOptions, seed: number) {
  const { proposals, particles } = o.importance ?? RICKER_IMPORTANCE_DEFAULTS;
  if (proposals === 0 || !posterior.features) return { samples: samplePosterior(posterior, mode, o.observation, o.samples, seed), importance: null };
  const corrected = rickerImportanceSampled(posterior, { proposals, particles });
  const t0 = performance.now();
  const draws = corrected.sample([o.observation], o.samples, seed);
  const samples = Float64Array.from(draws.dataSync());
  draws.dispose();
  const { ess, logEvidence } = corrected.lastDiagnostics[0];
  const npe = samplePosterior(posterior, mode, o.observation, o.samples, seed);
  const importance = {
    proposals, particles, ess: Math.round(ess), logEvidence, seconds: Math.round(performance.now() - t0) / 1000,
    neuralPosterior: summarize(npe, [...RICKER_PARAM_NAMES]),
  };
  if (ess < LOW_IMPORTANCE_ESS) {
    process.stderr.write(
      `ricker: warning: importance sampling's effective sample size is ${ess.toFixed(1)} of ${proposals} proposals: the ${o.samples} draws repeat few distinct values, ` +
        'and the neural posterior may miss part of the posterior; raise --importance-proposals, train longer, or use --rounds\n',
    );
  }
  return { samples, importance };
}

/**
 * Draws for the raw observation. A posterior holds its feature module and takes the raw series;
 * one saved before feature modules existed takes the features, computed here from the mode stored
 * in its metadata.
 */
function samplePosterior(posterior: NeuralPosterior, mode: RickerFeatureMode, observation: number[], n: number, seed: number): Float64Array {
  const legacy = posterior.features ? null : rickerObservationFeatures(mode, [observation], observation.length);
  const draws = posterior.sample(legacy ?? [observation], n, seed);
  legacy?.dispose();
  const values = Float64Array.from(draws.dataSync());
  draws.dispose();
  return values;
}

function runABC(thetas: Float64Array, ys: Float64Array, n: number, T: number, observation: number[], k: number): Float64Array {
  return rejectionABC({
    thetas: { values: thetas, width: RICKER_PARAM_NAMES.length },
    summaries: rickerSummaries(ys, n, T),
    summaryDim: RICKER_SUMMARY_COUNT,
    observed: rickerSummaries(Float64Array.from(observation), 1, T),
    k,
  }).samples;
}

async function runPmmh(o: RickerPipelineOptions) {
  const chains = 4;
  const bar = createProgress({ total: 100, label: 'PMMH (%)', quiet: o.quiet });
  const result = pmmh({
    model: rickerStateSpace(),
    observed: o.observation,
    prior: rickerPrior(),
    chains,
    iterations: Math.max(o.samples, 2000),
    seed: o.seed,
    onProgress: (done, total) => bar.update(Math.floor((100 * done) / total), { iterations: `${done}/${total}` }),
  });
  bar.stop();
  return {
    samples: pmmhDraws(result, o.samples),
    report: {
      chains,
      particles: result.particles,
      acceptanceRate: result.acceptanceRate,
      rhat: result.rhat,
      ess: result.ess,
      wallTimeSeconds: result.wallTimeMs / 1000,
    },
  };
}

/** SBC and expected coverage on fresh simulations (not used for training). */
function calibrate(o: RickerPipelineOptions, posterior: NeuralPosterior, T: number) {
  return calibrateRickerPosterior(posterior, { simulations: o.calibrationSimulations, seed: o.seed, T, quiet: o.quiet });
}

/**
 * SBC (99 draws per simulation) and expected coverage (200 draws) of a Ricker posterior on
 * `simulations` fresh simulations from streams (seed + 100, i), draws from seeds seed + 101 and
 * seed + 102: the pipeline's calibration, also run by bench/ricker.ts on a saved posterior.
 * `sharedDraws` L: both from one set of L draws per simulation instead (seed + 103), for a
 * posterior whose draws are expensive (importance sampling).
 */
export async function calibrateRickerPosterior(posterior: AmortizedPosterior, c: { simulations: number; seed: number; T: number; quiet: boolean; sharedDraws?: number }) {
  const T = c.T;
  const sim = await simulate(c, c.simulations, c.seed + 100, 'calibration');
  const thetas = { values: sim.thetas, width: RICKER_PARAM_NAMES.length };
  const xs = { values: sim.xs, width: T }; // raw series: the posterior computes its features
  const names = [...RICKER_PARAM_NAMES];
  let s: SbcResult;
  let cov: ExpectedCoverageResult;
  if (c.sharedDraws) {
    const counts = posteriorRankCounts('calibrateRickerPosterior', posterior, thetas, xs, { numPosteriorSamples: c.sharedDraws, seed: c.seed + 103, density: true });
    s = sbcOfCounts(counts, { seed: c.seed + 101, names });
    cov = coverageOfCounts(counts, { seed: c.seed + 102, names });
  } else {
    s = sbc(posterior, thetas, xs, { numPosteriorSamples: 99, seed: c.seed + 101, names });
    cov = expectedCoverage(posterior, thetas, xs, { numPosteriorSamples: 200, seed: c.seed + 102, names });
  }
  return {
    report: {
      simulations: sim.n,
      coverage: Object.fromEntries(cov.hpd.map((h) => [String(h.level), { coverage: h.coverage, stdError: h.stdError }])),
      sbc: { pass: s.pass, note: s.note, pValues: Object.fromEntries(s.parameters.map((p) => [p.name, p.pValue])) },
    },
    plots: { ranks: s.ranks, numPosteriorSamples: s.numPosteriorSamples, coverageCurves: [cov.curve, ...cov.marginal.map((m) => m.curve)], n: sim.n },
  };
}
