/**
 * Tuning the Ricker posterior on the TUNING reference set only (bench/data/ricker/tuning, written by
 * `npm run bench:ricker-references`; never the evaluation set that `npm run bench:ricker` reports):
 * trains `trainRickerNPE` with the given options and prints the C2ST of 2 000 NPE draws against
 * each reference's 2 000 PMMH draws, the means over the observations at theta* and over the
 * prior-drawn ones, expected HPD coverage and SBC on fresh simulations, and the training seconds
 * with the load average at the start (the machine may be shared).
 *
 *   node --import tsx bench/rickerTune.ts [--simulations 200000] [--epochs 4] [--lr 6e-3]
 *     [--batch 512] [--ensemble 1] [--features windows] [--width 32] [--window 4] [--layers 2]
 *     [--pooling both] [--pass 3] [--seed 1] [--calibration 500] [--schedule epoch|step] [--floor 0.05]
 *     [--transforms 3] [--hidden 64] [--density nsf|maf] [--clip 5 (0: none)] [--warmup EPOCHS]
 *     [--validation 0.1] [--threads 2] [--save out/tune/posterior.json]
 *
 * `--save` writes the trained posterior (with its training options as metadata), so that it can
 * be scored again, e.g. on a grown tuning set, by `npm run bench:ricker -- --set tuning --posterior FILE`.
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend/index.js';
import { simulateDataset } from '../src/node/simulateDataset.js';
import { ricker, rickerPrior, RICKER_PARAM_NAMES } from '../simulators/ricker/ricker.js';
import { trainRickerNPE, RICKER_NPE_DEFAULTS, RICKER_WINDOW_DEFAULTS } from '../simulators/ricker/npe.js';
import type { RickerFeatureMode } from '../simulators/ricker/features.js';
import type { WindowPooling } from '../src/nn/poolWindows.js';
import { c2st } from '../src/sbi/diagnostics/c2st.js';
import { momentMismatch } from '../src/sbi/diagnostics/momentMismatch.js';
import { sbc } from '../src/sbi/diagnostics/sbc.js';
import { expectedCoverage } from '../src/sbi/diagnostics/coverage.js';
import { readReferenceSet } from './rickerReferenceSet.js';
import { cosineSchedule, type LearningRateSchedule } from '../src/train/schedules.js';
import { saveModel } from '../src/node/files.js';
import { dataParallel, defaultHelpers } from '../src/node/dataParallel.js';

const argv = process.argv.slice(2);
function arg(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}
const T = 50;
const o = {
  simulations: Number(arg('simulations', String(RICKER_NPE_DEFAULTS.simulations))),
  epochs: Number(arg('epochs', String(RICKER_NPE_DEFAULTS.maxEpochs))),
  lr: Number(arg('lr', String(RICKER_NPE_DEFAULTS.learningRate))),
  batch: Number(arg('batch', String(RICKER_NPE_DEFAULTS.batchSize))),
  ensemble: Number(arg('ensemble', String(RICKER_NPE_DEFAULTS.ensemble))),
  features: arg('features', RICKER_NPE_DEFAULTS.features) as RickerFeatureMode,
  width: Number(arg('width', String(RICKER_WINDOW_DEFAULTS.width))),
  window: Number(arg('window', String(RICKER_WINDOW_DEFAULTS.window))),
  layers: Number(arg('layers', String(RICKER_WINDOW_DEFAULTS.pointwiseLayers))),
  pooling: arg('pooling', RICKER_WINDOW_DEFAULTS.pooling) as WindowPooling,
  pass: Number(arg('pass', String(RICKER_WINDOW_DEFAULTS.passThrough))),
  seed: Number(arg('seed', '1')),
  calibration: Number(arg('calibration', '500')),
  /** Cosine decay evaluated per epoch or per step. */
  schedule: arg('schedule', 'epoch') as 'epoch' | 'step',
  floor: Number(arg('floor', String(RICKER_NPE_DEFAULTS.cosineFloor))),
  /** Flow transforms (default: the Ricker default's) and hidden width (0: the builder's default). */
  transforms: Number(arg('transforms', String(RICKER_NPE_DEFAULTS.flow.transforms))),
  hidden: Number(arg('hidden', '0')),
  /** The flow: 'nsf' (default) or 'maf'. */
  density: arg('density', 'nsf') as 'nsf' | 'maf',
  /** Global gradient-norm clipping (0: none; the training loop's default 5). */
  clip: Number(arg('clip', '5')),
  /** Linear warm-up over this many epochs (per step), then the cosine decay (0: none). */
  warmup: Number(arg('warmup', '0')),
  validation: Number(arg('validation', '0.1')),
  save: arg('save', ''),
  /** Training threads: 1, or 2 (a helper thread, `dataParallel`; the default on 2+ cores). */
  threads: Number(arg('threads', String(1 + defaultHelpers()))),
};
console.log(`options ${JSON.stringify(o)}`);
const refs = readReferenceSet('tuning');

await ready({ quiet: true });
const load = loadavg()[0];
const t0 = performance.now();
const sim = await simulateDataset({ simulator: ricker({ T }), prior: rickerPrior(), n: o.simulations, seed: o.seed, workers: 0 });
const simulateSeconds = (performance.now() - t0) / 1000;
const t1 = performance.now();
const trained = trainRickerNPE({
  thetas: sim.thetas,
  ys: sim.xs,
  T,
  features: o.features,
  seed: o.seed + 1,
  maxEpochs: o.epochs,
  ensemble: o.ensemble,
  batchSize: o.batch,
  learningRate: o.lr,
  schedule: withWarmup(cosineSchedule(o.epochs, o.floor, { perStep: o.schedule === 'step' }), o.warmup),
  clipNorm: o.clip > 0 ? o.clip : null,
  density: o.density,
  validationFraction: o.validation,
  flow: { transforms: o.transforms, ...(o.hidden > 0 ? { hidden: [o.hidden, o.hidden] } : {}) },
  parallel: dataParallel({ workers: o.threads - 1 }),
  windowEmbedding: { width: o.width, window: o.window, pointwiseLayers: o.layers, pooling: o.pooling, passThrough: o.pass },
});
/** A linear warm-up from lr0 / 20 over `epochs` (fractional progress), then `schedule` (0 epochs: `schedule` itself). */
function withWarmup(schedule: LearningRateSchedule, epochs: number): LearningRateSchedule {
  if (!(epochs > 0)) return schedule;
  const warm = (p: number, lr0: number) => (p < epochs ? lr0 * (0.05 + 0.95 * (p / epochs)) * (schedule(p, lr0) / lr0) : schedule(p, lr0));
  return Object.assign(warm, { perStep: true });
}
const trainSeconds = (performance.now() - t1) / 1000;
const posterior = trained.posterior;
const sdRatios: number[][] = [];
const scores = refs.map((ref, k) => {
  const draws = tf.tidy(() => posterior.sample([ref.observed], 2000, 11 + k));
  const npe = Float64Array.from(draws.dataSync());
  draws.dispose();
  const reference = { values: Float64Array.from(ref.draws.flat()), width: 3 };
  sdRatios.push(momentMismatch({ values: npe, width: 3 }, reference).sdRatio);
  return c2st({ values: npe, width: 3 }, reference, { seed: 13 }).accuracy;
});
const meanOf = (group: string) => {
  const v = scores.filter((_, k) => refs[k].group === group);
  return v.reduce((s, x) => s + x, 0) / v.length;
};
const mean = { theta: meanOf('theta'), prior: meanOf('prior') };
let calibration = '';
if (o.calibration > 0) {
  const cal = await simulateDataset({ simulator: ricker({ T }), prior: rickerPrior(), n: o.calibration, seed: o.seed + 100, workers: 0 });
  const thetas = { values: cal.thetas, width: 3 };
  const xs = { values: cal.xs, width: T };
  const names = [...RICKER_PARAM_NAMES];
  const c = expectedCoverage(posterior, thetas, xs, { numPosteriorSamples: 200, seed: o.seed + 102, names });
  const s = sbc(posterior, thetas, xs, { numPosteriorSamples: 99, seed: o.seed + 101, names });
  calibration = `coverage ${c.hpd.map((h) => h.coverage.toFixed(3)).join('/')} (levels ${c.hpd.map((h) => h.level).join('/')}, ${cal.n} sims); SBC ${s.pass ? 'passes' : 'FAILS'} (p ${s.parameters.map((p) => p.pValue.toFixed(3)).join('/')})`;
}
const epochs = trained.histories.map((h) => `${h.epochs}${h.stopReason ? ` (${h.stopReason})` : ''}`).join(', ');
console.log(`C2ST per tuning reference ${refs.map((r, k) => `${r.id}: ${scores[k].toFixed(3)}`).join(', ')}; mean at theta* ${mean.theta.toFixed(4)}, prior-drawn ${mean.prior.toFixed(4)}`);
const meanSdRatio = [0, 1, 2].map((j) => sdRatios.reduce((a, r) => a + r[j], 0) / sdRatios.length);
console.log(`mean sd ratio against the references (log r / sigma / phi; above 1 = too wide): ${meanSdRatio.map((v) => v.toFixed(2)).join(' / ')}`);
console.log(calibration);
console.log(`simulate ${simulateSeconds.toFixed(1)} s, train ${trainSeconds.toFixed(1)} s (epochs ${epochs}), load average at start ${load.toFixed(2)}`);
console.log(`TUNE ${JSON.stringify({ ...o, c2st: scores.map((v) => +v.toFixed(4)), meanTheta: +mean.theta.toFixed(4), meanPrior: +mean.prior.toFixed(4), calibration, trainSeconds: +trainSeconds.toFixed(1), load: +load.toFixed(2) })}`);
if (o.save) console.log(`saved ${(await saveModel(posterior, o.save, { seed: o.seed, simulations: o.simulations, features: o.features, tune: JSON.stringify(o) })).json}`);
posterior.dispose();
