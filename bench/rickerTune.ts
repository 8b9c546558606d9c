/**
 * Tuning the Ricker posterior on the TUNING observations only (never the evaluation set of
 * `bench/ricker.ts`): trains `trainRickerNPE` with the given options and prints the C2ST against
 * PMMH for each tuning observation (simulated at theta* = (3.8, 0.3, 10) with obs seeds 1..4 by
 * `rickerObservation`), their mean, expected HPD coverage and SBC on fresh simulations, and the
 * training seconds with the load average at the start (the machine may be shared).
 *
 * PMMH references are read from `--refs DIR/ref<seed>.json` (as written by
 * `bench/pmmhRicker.ts --obs-seed <seed> --out ...`); a missing one is computed here and saved.
 *
 *   node --import tsx bench/rickerTune.ts [--simulations 100000] [--epochs 8] [--lr 4e-3]
 *     [--batch 512] [--ensemble 1] [--features windows] [--width 32] [--window 4] [--layers 2]
 *     [--pooling both] [--pass 3] [--seed 1] [--calibration 500] [--obs 1,2,3,4] [--refs out/tune]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend/index.js';
import { simulateDataset } from '../src/node/simulateDataset.js';
import { ricker, rickerPrior, RICKER_PARAM_NAMES } from '../simulators/ricker/ricker.js';
import { trainRickerNPE, RICKER_NPE_DEFAULTS, RICKER_WINDOW_DEFAULTS } from '../simulators/ricker/npe.js';
import type { RickerFeatureMode } from '../simulators/ricker/features.js';
import type { WindowPooling } from '../src/nn/poolWindows.js';
import { c2st } from '../src/sbi/diagnostics/c2st.js';
import { sbc } from '../src/sbi/diagnostics/sbc.js';
import { expectedCoverage } from '../src/sbi/diagnostics/coverage.js';
import { rickerObservation, rickerReferenceDraws, rickerReferencePosterior } from './pmmhRicker.js';

const argv = process.argv.slice(2);
function arg(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}
const T = 50;
const o = {
  simulations: Number(arg('simulations', '100000')),
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
  obs: arg('obs', '1,2,3,4').split(',').map(Number),
  refs: arg('refs', 'out/tune'),
};
console.log(`options ${JSON.stringify(o)}`);

/** PMMH reference draws for a tuning observation (cached in the refs folder). */
function referenceDraws(obsSeed: number): Float64Array {
  const file = path.join(o.refs, `ref${obsSeed}.json`);
  if (existsSync(file)) return Float64Array.from((JSON.parse(readFileSync(file, 'utf8')).draws as number[][]).flat());
  const draws = rickerReferenceDraws(rickerReferencePosterior({ observed: rickerObservation(obsSeed, T), seed: obsSeed }), 2000);
  mkdirSync(o.refs, { recursive: true });
  const rows = Array.from({ length: 2000 }, (_, i) => Array.from(draws.subarray(3 * i, 3 * i + 3)));
  writeFileSync(file, JSON.stringify({ observed: Array.from(rickerObservation(obsSeed, T)), draws: rows }));
  return draws;
}

await ready({ quiet: true });
const references = o.obs.map(referenceDraws);
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
  windowEmbedding: { width: o.width, window: o.window, pointwiseLayers: o.layers, pooling: o.pooling, passThrough: o.pass },
});
const trainSeconds = (performance.now() - t1) / 1000;
const posterior = trained.posterior;
const scores = o.obs.map((obsSeed, k) => {
  const draws = tf.tidy(() => posterior.sample([Array.from(rickerObservation(obsSeed, T))], 2000, 11 + obsSeed));
  const npe = Float64Array.from(draws.dataSync());
  draws.dispose();
  return c2st({ values: npe, width: 3 }, { values: references[k], width: 3 }, { seed: 13 }).accuracy;
});
const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
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
console.log(`C2ST per tuning obs ${o.obs.map((s, k) => `${s}: ${scores[k].toFixed(3)}`).join(', ')}; mean ${mean.toFixed(4)}`);
console.log(calibration);
console.log(`simulate ${simulateSeconds.toFixed(1)} s, train ${trainSeconds.toFixed(1)} s (epochs ${epochs}), load average at start ${load.toFixed(2)}`);
console.log(`TUNE ${JSON.stringify({ ...o, refs: undefined, c2st: scores.map((v) => +v.toFixed(4)), mean: +mean.toFixed(4), calibration, trainSeconds: +trainSeconds.toFixed(1), load: +load.toFixed(2) })}`);
posterior.dispose();
