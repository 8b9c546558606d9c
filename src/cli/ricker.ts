#!/usr/bin/env node
/**
 * npm run ricker -- [flags]: the amortized posterior of the Ricker model for an observed series
 * (with `--rounds N > 1`, truncated sequential NPE for that series alone). See `--help` and the README. Exit status: 0 success, 1 failure, 2 bad command line or input.
 */
// Only light modules are imported up front, so that a bad command line fails at once; TF.js and
// the pipeline load after the arguments and the observation have been checked.
import { parseFlags, UsageError } from './args.js';
import { BUILT_IN_THETA, builtInObservation, readObservation } from './rickerObservation.js';
import { formatNumber, formatTable } from './outputs.js';
import { RICKER_FEATURE_MODES, type RickerFeatureMode } from '../../simulators/ricker/features.js';

// The NPE defaults repeat RICKER_NPE_DEFAULTS, RICKER_ROUND_DEFAULTS (simulators/ricker/npe.ts) and RICKER_IMPORTANCE_DEFAULTS (importance.ts), where they are measured;
// test/cli/ricker.test.ts checks that they agree):
// that module loads the training code, which this file imports only after the flags are checked.
const SPEC = {
  simulations: { default: 200000, help: 'simulations from the prior for training' },
  obs: { default: '', help: 'JSON file with the observed counts (an array of T = 50 integers); default: built-in' },
  samples: { default: 2000, help: 'posterior samples to draw' },
  seed: { default: 1, help: 'seed of every random stream' },
  out: { default: 'out/ricker', help: 'output folder' },
  posterior: { default: '', help: 'saved posterior.json to reuse (skips simulation and training)' },
  method: { default: 'npe', help: 'npe (neural posterior estimation), abc (rejection ABC) or pmmh (particle MCMC)' },
  features: { default: 'windows', help: 'what NPE conditions on: summaries, raw (convolutional embedding of the series), both, or windows (summaries + a sliding-window embedding of log1p(y), y and y = 0)' },
  density: { default: 'nsf', help: 'density estimator: nsf or maf' },
  calibration: { default: 500, help: 'fresh simulations for SBC and coverage (0 skips)' },
  'max-epochs': { default: 6, help: 'maximum training epochs per ensemble member (early stopping may end sooner)' },
  ensemble: { default: 'auto', help: 'posteriors trained and mixed with equal weights; auto: 1 for the amortized posterior, 2 with --rounds > 1' },
  'batch-size': { default: 512, help: 'training minibatch size' },
  'learning-rate': { default: 6e-3, help: 'initial Adam learning rate (cosine decay to 5% over the epochs)' },
  rounds: {
    default: 1,
    help: 'NPE rounds for this observation: 1 is the amortized posterior; N > 1 runs truncated sequential NPE (Deistler et al. 2022), each later round ' +
      'simulating from the prior truncated to the current posterior\'s 1 - 1e-4 HPD region and continuing training on the simulations in that region (see --round-training); the saved posterior is then valid for this observation only',
  },
  'first-round-epochs': { default: 12, help: 'epochs of round 1 when --rounds > 1 (--max-epochs is the amortized posterior\'s: a run for one observation is not held to its 2-minute budget)' },
  'round-simulations': { default: 0, help: 'simulations of each round after the first (0: as many as --simulations)' },
  'round-epochs': { default: 8, help: 'epochs of each round after the first, which continues training the previous round\'s posterior' },
  'round-learning-rate': { default: 2e-3, help: 'initial learning rate of each round after the first (cosine decay to 5%)' },
  'round-training': { default: 'region', help: 'what each round after the first trains on: all (every simulation so far) or region (those whose parameters lie in the round\'s HPD region)' },
  'importance-proposals': {
    default: 2000,
    help: 'NPE only: draws of the neural posterior weighed by the likelihood (a particle filter) and resampled, which corrects the draws towards the exact posterior (sbi\'s ImportanceSamplingPosterior); 0: the neural posterior\'s own draws',
  },
  'importance-particles': { default: 400, help: 'particles of the filter that estimates each proposal\'s likelihood' },
  'no-figures': { default: false, help: 'skip the PNG figures' },
  figures: { default: false, help: 'write the pair plot also with --posterior (which only samples by default)' },
  'training-threads': { default: 'auto', help: 'threads that train: 1 (this one) or 2 (a helper thread computes half of every minibatch\'s gradient); auto: 2 on a machine with 2 or more cores' },
  quiet: { default: false, help: 'no progress bars' },
};

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new UsageError(`ricker: --${name} must be an integer >= ${min}; received ${v}`);
  return v;
}

async function main(): Promise<number> {
  const flags = parseFlags('ricker', SPEC);
  const method = flags.method as string;
  if (!['npe', 'abc', 'pmmh'].includes(method)) throw new UsageError(`ricker: --method must be npe, abc or pmmh; received "${method}"`);
  if (!RICKER_FEATURE_MODES.includes(flags.features as RickerFeatureMode)) {
    throw new UsageError(`ricker: --features must be one of ${RICKER_FEATURE_MODES.join(', ')}; received "${flags.features}"`);
  }
  if (!['nsf', 'maf'].includes(flags.density as string)) throw new UsageError(`ricker: --density must be nsf or maf; received "${flags.density}"`);
  if (flags.posterior && method !== 'npe') throw new UsageError('ricker: --posterior reuses a saved NPE posterior; it cannot be combined with --method abc or pmmh');
  positiveInt('simulations', flags.simulations as number, 100);
  positiveInt('samples', flags.samples as number);
  positiveInt('seed', flags.seed as number, 0);
  positiveInt('calibration', flags.calibration as number, 0);
  positiveInt('max-epochs', flags['max-epochs'] as number);
  const ensembleFlag = String(flags.ensemble);
  if (ensembleFlag !== 'auto') positiveInt('ensemble', Number(ensembleFlag));
  positiveInt('rounds', flags.rounds as number);
  positiveInt('round-simulations', flags['round-simulations'] as number, 0);
  positiveInt('round-epochs', flags['round-epochs'] as number);
  positiveInt('first-round-epochs', flags['first-round-epochs'] as number);
  if (!((flags['round-learning-rate'] as number) > 0)) throw new UsageError(`ricker: --round-learning-rate must be > 0; received ${flags['round-learning-rate']}`);
  if (!['all', 'region'].includes(flags['round-training'] as string)) throw new UsageError(`ricker: --round-training must be all or region; received "${flags['round-training']}"`);
  if ((flags.rounds as number) > 1 && (method !== 'npe' || flags.posterior)) {
    throw new UsageError('ricker: --rounds > 1 trains NPE for the observation; it cannot be combined with --method abc or pmmh, or with --posterior');
  }
  positiveInt('importance-proposals', flags['importance-proposals'] as number, 0);
  positiveInt('importance-particles', flags['importance-particles'] as number);
  const threadsFlag = String(flags['training-threads']);
  if (!['auto', '1', '2'].includes(threadsFlag)) throw new UsageError(`ricker: --training-threads must be auto, 1 or 2; received "${threadsFlag}"`);
  if (!((flags['learning-rate'] as number) > 0)) throw new UsageError(`ricker: --learning-rate must be > 0; received ${flags['learning-rate']}`);

  const T = 50;
  const observation = flags.obs ? await readObservation(flags.obs as string, T) : builtInObservation(T);
  const { ready } = await import('../backend/index.js');
  const { runRickerPipeline } = await import('./rickerPipeline.js');
  await ready({ quiet: flags.quiet as boolean });
  const result = await runRickerPipeline({
    observation,
    observationSource: flags.obs ? (flags.obs as string) : 'built-in (simulated at log r = 3.8, sigma = 0.3, phi = 10)',
    trueTheta: flags.obs ? null : [...BUILT_IN_THETA],
    simulations: flags.simulations as number,
    samples: flags.samples as number,
    seed: flags.seed as number,
    out: flags.out as string,
    method: method as 'npe' | 'abc' | 'pmmh',
    posteriorFile: (flags.posterior as string) || undefined,
    quiet: flags.quiet as boolean,
    features: flags.features as RickerFeatureMode,
    density: flags.density as 'nsf' | 'maf',
    calibrationSimulations: flags.calibration as number,
    maxEpochs: flags['max-epochs'] as number,
    ensemble: ensembleFlag === 'auto' ? undefined : Number(ensembleFlag),
    batchSize: positiveInt('batch-size', flags['batch-size'] as number),
    learningRate: flags['learning-rate'] as number,
    trainingHelpers: threadsFlag === 'auto' ? undefined : Number(threadsFlag) - 1,
    rounds: flags.rounds as number,
    roundSimulations: (flags['round-simulations'] as number) || undefined,
    firstRoundEpochs: flags['first-round-epochs'] as number,
    roundEpochs: flags['round-epochs'] as number,
    roundLearningRate: flags['round-learning-rate'] as number,
    roundTraining: flags['round-training'] as 'all' | 'region',
    importance: { proposals: flags['importance-proposals'] as number, particles: flags['importance-particles'] as number },
    figures: flags.posterior ? (flags.figures as boolean) : !(flags['no-figures'] as boolean),
  });

  const truth = flags.obs ? null : [...BUILT_IN_THETA];
  const header = ['parameter', ...(truth ? ['true'] : []), 'mean', 'sd', '5%', '50%', '95%', ...(result.abcTable ? ['ABC mean', 'ABC sd'] : [])];
  const rowsOut = result.table.map((p, j) => [
    p.name,
    ...(truth ? [truth[j]] : []),
    p.mean, p.sd, p.q05, p.q50, p.q95,
    ...(result.abcTable ? [result.abcTable[j].mean, result.abcTable[j].sd] : []),
  ]);
  console.log(formatTable(header, rowsOut));
  const s = result.summary as {
    simulations?: { kept: number; dropped: number };
    calibration?: { coverage: Record<string, { coverage: number }>; sbc: { pass: boolean } } | { skipped: string };
    rounds?: { perRound: { round: number; kept: number; acceptanceRate: number; seconds: { total: number } }[] };
    wallTimeSeconds: Record<string, number>;
    importanceSampling?: { proposals: number; ess: number };
  };
  if (s.importanceSampling) {
    const { proposals, ess } = s.importanceSampling;
    console.log(`importance sampling: ${proposals} proposals of the neural posterior, effective sample size ${formatNumber(ess)}`);
  }
  if (s.simulations) console.log(`simulations: ${s.simulations.kept} kept, ${s.simulations.dropped} dropped`);
  if (s.rounds) {
    for (const r of s.rounds.perRound) console.log(`round ${r.round}: ${r.kept} simulations kept, truncated-prior acceptance ${formatNumber(r.acceptanceRate)}, ${formatNumber(r.seconds.total)} s`);
    console.log('the posterior of --rounds > 1 is valid for this observation only (not amortized); calibration is skipped');
  }
  if (s.calibration && 'coverage' in s.calibration) {
    const cov = Object.entries(s.calibration.coverage).map(([level, c]) => `${level}: ${formatNumber(c.coverage)}`).join(', ');
    console.log(`calibration of the neural posterior: expected coverage ${cov}; SBC ${s.calibration.sbc.pass ? 'passes' : 'FAILS'} the uniformity test`);
  }
  console.log(`time (s): ${Object.entries(s.wallTimeSeconds).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`wrote ${result.files.length} files to ${flags.out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
