/**
 * npm run bench:ricker [-- --observations K] [-- --quick]: the Ricker pipeline's figures, each
 * with its threshold.
 * 1. Speed: `npm run ricker` with its defaults (`RICKER_NPE_DEFAULTS.simulations`) end to end, and with
 *    `--posterior` (sampling 2 000 values for a new observation, start-up included).
 * 2. Quality: for K observations simulated at theta = (3.8, 0.3, 10), C2ST between 2 000 NPE
 *    samples and 2 000 PMMH reference samples, averaged; the same for rejection ABC (200 nearest
 *    of the same 20 000 simulations).
 * 3. Calibration on 500 held-out simulations (from the pipeline's summary): expected coverage at
 *    0.5, 0.8, 0.95 and the SBC uniformity test.
 * 4. Amortization: posterior means for 1 000 different observations in one call (100 draws
 *    each; 1 000 draws each timed for reference).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend/index.js';
import { loadModel } from '../src/node/files.js';
import '../src/index.js'; // registers every core module type for loadModel (the saved posterior is an ensemble)
import type { NeuralPosterior } from '../src/sbi/npe/types.js';
import type { Module } from '../src/module.js';
import { ricker, rickerPrior } from '../simulators/ricker/ricker.js';
import { rickerSummaries, RICKER_SUMMARY_COUNT } from '../simulators/ricker/summaries.js';
import { rickerStateSpace } from '../simulators/ricker/stateSpace.js';
import { simulateDataset } from '../src/node/simulateDataset.js';
import { rejectionABC } from '../src/sbi/abc.js';
import { pmmh, pmmhDraws } from '../src/sbi/mcmc/pmmh.js';
import { c2st } from '../src/sbi/diagnostics/c2st.js';
import { BUILT_IN_SEED } from '../src/cli/rickerObservation.js';
import { RICKER_NPE_DEFAULTS } from '../simulators/ricker/npe.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const kIndex = args.indexOf('--observations');
const K = kIndex >= 0 ? Number(args[kIndex + 1]) : quick ? 1 : 5;
const T = 50;
const TRUE = [3.8, 0.3, 10];
const cli = path.resolve('src/cli/ricker.ts');

const results: { figure: string; value: number; threshold: string; pass: boolean }[] = [];
function report(figure: string, value: number, threshold: number | null, lowerIsBetter = true): void {
  const pass = threshold === null || (lowerIsBetter ? value <= threshold : value >= threshold);
  results.push({ figure, value, threshold: threshold === null ? 'none' : `${lowerIsBetter ? '<=' : '>='} ${threshold}`, pass });
  console.log(`${threshold === null ? 'INFO' : pass ? 'PASS' : 'FAIL'}  ${figure}: ${value.toFixed(4)}${threshold === null ? '' : ` (threshold ${lowerIsBetter ? '<=' : '>='} ${threshold})`}`);
}

function runCli(cliArgs: string[]): Promise<{ seconds: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...cliArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code === 0) resolve({ seconds, stdout });
      else reject(new Error(`ricker ${cliArgs.join(' ')} exited with ${code}`));
    });
  });
}

const dir = await mkdtemp(path.join(tmpdir(), 'flowsbi-bench-ricker-'));
const simulations = quick ? 4000 : RICKER_NPE_DEFAULTS.simulations;

// 1. Speed of the command-line pipeline (default flags except the output folder).
const full = await runCli(['--out', dir, '--quiet', '--simulations', String(simulations), ...(quick ? ['--calibration', '100'] : [])]);
console.log(full.stdout);
report(`npm run ricker end to end with ${simulations} simulations (s)`, full.seconds, quick ? null : 300);
const summary = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8'));

// 2. Observations at the true parameters: the built-in one first, then other seeds.
const observations: number[][] = [];
for (let k = 0; k < K; k++) {
  observations.push(Array.from(ricker({ T }).simulate(Float64Array.from(TRUE), 1, k === 0 ? BUILT_IN_SEED : 1000 + k)));
}
const obsFile = path.join(dir, 'obs2.json');
await writeFile(obsFile, JSON.stringify(observations[Math.min(1, K - 1)]));
const reuse = await runCli(['--posterior', path.join(dir, 'posterior.json'), '--obs', obsFile, '--samples', '2000', '--out', path.join(dir, 'reuse'), '--quiet']);
report('--posterior: 2 000 samples for a new observation, start-up included (s)', reuse.seconds, 2);

await ready({ quiet: true });
const { module: posterior, metadata } = await loadModel<NeuralPosterior & Module>(path.join(dir, 'posterior.json'));
void metadata;
const sims = await simulateDataset({ simulator: ricker({ T }), prior: rickerPrior(), n: simulations, seed: summary.seed, workers: 0 });
const summaries = rickerSummaries(sims.xs, sims.n, T);
const npeScores: number[] = [];
const abcScores: number[] = [];
for (const [k, y] of observations.entries()) {
  const reference = pmmh({ model: rickerStateSpace(), observed: y, prior: rickerPrior(), chains: 4, iterations: quick ? 1000 : 8000, seed: 7 + k });
  const refDraws = pmmhDraws(reference, 2000);
  const draws = tf.tidy(() => posterior.sample([y], 2000, 11 + k));
  const npe = Float64Array.from(draws.dataSync());
  draws.dispose();
  const abc = rejectionABC({ thetas: sims.thetas, thetaDim: 3, summaries, summaryDim: RICKER_SUMMARY_COUNT, observed: rickerSummaries(Float64Array.from(y), 1, T), k: 200 });
  const npeC2st = c2st({ values: npe, width: 3 }, { values: refDraws, width: 3 }, { seed: 13 }).accuracy;
  const abcC2st = c2st({ values: abc.samples, width: 3 }, { values: refDraws, width: 3 }, { seed: 13 }).accuracy;
  npeScores.push(npeC2st);
  abcScores.push(abcC2st);
  console.log(`observation ${k + 1}: PMMH R-hat ${reference.rhat.map((r) => r.toFixed(3)).join('/')}, ESS ${reference.ess.map((e) => Math.round(e)).join('/')}; C2ST NPE ${npeC2st.toFixed(3)}, ABC ${abcC2st.toFixed(3)}`);
}
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
report(`C2ST NPE vs PMMH, mean over ${K} observations`, mean(npeScores), 0.7);
report(`C2ST rejection ABC (200 of ${sims.n}) vs PMMH, mean over ${K} observations`, mean(abcScores), null);
report('C2ST NPE minus C2ST ABC (NPE must be lower)', mean(npeScores) - mean(abcScores), 0);

// 3. Calibration, as computed by the pipeline on fresh simulations.
for (const level of ['0.5', '0.8', '0.95']) {
  const c = summary.calibration.coverage[level].coverage;
  report(`|expected coverage - ${level}| on ${summary.calibration.simulations} held-out simulations`, Math.abs(c - Number(level)), 0.05);
}
report('SBC uniformity test passes (1 = yes)', summary.calibration.sbc.pass ? 1 : 0, 1, false);

// 4. Amortization: posterior means for 1 000 observations in one call.
{
  const many = await simulateDataset({ simulator: ricker({ T }), prior: rickerPrior(), n: 1000, seed: 99, workers: 0 });
  // 100 draws per observation give each mean to a tenth of a posterior standard deviation;
  // 1 000 draws (ten times the flow passes) are timed for reference.
  for (const [draws, threshold] of [[100, 10], [1000, null]] as const) {
    const t0 = performance.now();
    // The raw series: the posterior's feature module computes the features (timed with the rest).
    const means = tf.tidy(() => posterior.mean({ values: many.xs, width: T }, draws, 5).arraySync());
    const seconds = (performance.now() - t0) / 1000;
    report(`posterior means for ${means.length} observations in one call (${draws} draws each) (s)`, seconds, threshold);
  }
}
posterior.dispose();

const failed = results.filter((r) => !r.pass).length;
console.log(`\n${results.length - failed} of ${results.length} figures within their thresholds`);
process.exitCode = failed ? 1 : 0;
