/**
 * npm run bench:ricker [-- --set evaluation|tuning] [--posterior posterior.json] [--quick]
 *   [--json out/bench-ricker.json]: the Ricker pipeline's figures, each with its threshold.
 *
 * Quality is scored against the committed PMMH reference posteriors of bench/rickerReferenceSet.ts
 * (written by `npm run bench:ricker-references`, each converged: split R-hat < 1.01, bulk ESS >
 * 1 000). Figures are reported on the `evaluation` set, which no default is chosen on; `--set
 * tuning` scores the set that defaults may be tuned on instead.
 *
 * 1. Speed (only when this run trains): `npm run ricker` with its defaults
 *    (`RICKER_NPE_DEFAULTS.simulations`) end to end, and with `--posterior` (2 000 samples for a new observation, start-up included:
 *    the amortized draws alone, held to 2 s, and with the default importance sampling).
 *    `--posterior FILE` skips training and scores that saved posterior.
 * 2. Quality: per reference observation, C2ST between 2 000 draws and the 2 000 reference
 *    draws, averaged separately over the observations at theta* = (3.8, 0.3, 10) (threshold 0.65)
 *    and over the prior-drawn ones (0.67), for the pipeline's draws (NPE-IS: the neural posterior
 *    importance-sampled against the particle-filter likelihood, `rickerImportanceSampled` with
 *    `--importance-proposals` / `--importance-particles`, default RICKER_IMPORTANCE_DEFAULTS,
 *    with its effective sample size and time) and, without thresholds, for the neural posterior's
 *    own draws (NPE), with per parameter the mean shift and sd ratio against the reference
 *    (src/sbi/diagnostics/momentMismatch.ts: which way a C2ST errs); the same C2ST for rejection
 *    ABC (1% nearest of the posterior's training simulations, recomputed from its seed), which NPE
 *    must beat.
 * 3. Calibration on 500 fresh simulations (the pipeline's; recomputed for `--posterior`):
 *    expected coverage at 0.5, 0.8, 0.95 and the SBC uniformity test, of the neural posterior and
 *    of NPE-IS (`--importance-calibration N` simulations, default 500, 0 skips: SBC and coverage
 *    from one set of 199 draws per simulation, since each costs a particle filter per proposal).
 * 4. Amortization: posterior means for 1 000 different observations in one call.
 *
 * `--importance-proposals 0` (as for `npm run ricker`): no importance sampling; the network's draws
 * are then the pipeline's, and the C2ST thresholds apply to them.
 *
 * `--quick`: a small pipeline (4 000 simulations, the default epochs, 100 calibration simulations) scored on
 * the first observation of each group, thresholds not applied to quality or calibration (the
 * ±0.05 coverage band is that of 500 simulations; with 100 it is about ±0.08), as for NPE-IS. Figures also go to the
 * JSON file (default out/bench-ricker.json). Wall times are noisy on a shared machine.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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
import { simulateDataset } from '../src/node/simulateDataset.js';
import { rejectionABC } from '../src/sbi/abc.js';
import { c2st } from '../src/sbi/diagnostics/c2st.js';
import { momentMismatch } from '../src/sbi/diagnostics/momentMismatch.js';
import { calibrateRickerPosterior } from '../src/cli/rickerPipeline.js';
import { RICKER_NPE_DEFAULTS } from '../simulators/ricker/npe.js';
import { rickerImportanceSampled, RICKER_IMPORTANCE_DEFAULTS } from '../simulators/ricker/importance.js';
import { readReferenceSet, REFERENCE_DRAWS, REFERENCE_SET_NAMES, type ReferenceSetName } from './rickerReferenceSet.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const set = (flag('--set') ?? 'evaluation') as ReferenceSetName;
if (!REFERENCE_SET_NAMES.includes(set)) throw new Error(`bench:ricker: --set must be evaluation or tuning; received "${set}"`);
const posteriorArg = flag('--posterior');
const jsonOut = flag('--json') ?? 'out/bench-ricker.json';
const importance = {
  proposals: Number(flag('--importance-proposals') ?? RICKER_IMPORTANCE_DEFAULTS.proposals),
  particles: Number(flag('--importance-particles') ?? RICKER_IMPORTANCE_DEFAULTS.particles),
};
if (!(Number.isInteger(importance.proposals) && importance.proposals >= 0)) throw new Error(`bench:ricker: --importance-proposals must be a non-negative integer; received ${importance.proposals}`);
/** Whether the pipeline's draws are importance-sampled (as `npm run ricker` with the same flag). */
const sampleByImportance = importance.proposals > 0;
const importanceCalibration = Number(flag('--importance-calibration') ?? (quick ? 20 : 500));
const T = 50;
const C2ST_THRESHOLD = { theta: 0.65, prior: 0.67 } as const;
const cli = path.resolve('src/cli/ricker.ts');

interface Figure { figure: string; value: number; threshold: string; pass: boolean }
const results: Figure[] = [];
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

// References first: a missing or unconverged reference stops the benchmark before any training.
const allRefs = readReferenceSet(set);
const refs = quick ? (['theta', 'prior'] as const).map((g) => allRefs.find((r) => r.group === g)!) : allRefs;

// 1. Train with the pipeline's defaults (timed), unless a saved posterior is given.
const dir = await mkdtemp(path.join(tmpdir(), 'flowsbi-bench-ricker-'));
let posteriorFile = posteriorArg ? path.resolve(posteriorArg) : path.join(dir, 'posterior.json');
let pipelineCalibration: { simulations: number; coverage: Record<string, { coverage: number }>; sbc: { pass: boolean } } | null = null;
if (!posteriorArg) {
  const simulations = quick ? 4000 : RICKER_NPE_DEFAULTS.simulations;
  const full = await runCli(['--out', dir, '--quiet', '--simulations', String(simulations), ...(quick ? ['--calibration', '100'] : [])]);
  console.log(full.stdout);
  report(`npm run ricker end to end with ${simulations} simulations (s)`, full.seconds, quick ? null : 120);
  pipelineCalibration = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')).calibration;
  const obsFile = path.join(dir, 'obs.json');
  await writeFile(obsFile, JSON.stringify(refs[0].observed));
  // The amortized path (the network's draws alone) is the one held to 2 s; importance sampling adds
  // a particle filter per proposal for the one observation, about 2 s more, reported beside it.
  const reuseArgs = ['--posterior', posteriorFile, '--obs', obsFile, '--samples', '2000', '--quiet'];
  const amortized = await runCli([...reuseArgs, '--importance-proposals', '0', '--out', path.join(dir, 'reuse-amortized')]);
  report('--posterior --importance-proposals 0: 2 000 amortized draws for a new observation, start-up included (s)', amortized.seconds, 2);
  const reuse = await runCli([...reuseArgs, '--out', path.join(dir, 'reuse')]);
  report('--posterior with its default importance sampling: 2 000 draws for a new observation, start-up included (s)', reuse.seconds, null);
}
posteriorFile = path.resolve(posteriorFile);

await ready({ quiet: true });
const { module: posterior, metadata } = await loadModel<NeuralPosterior & Module>(posteriorFile);
const trainSeed = Number(metadata.seed ?? 1);
const trainSims = Number(metadata.simulations ?? RICKER_NPE_DEFAULTS.simulations);

// 2. C2ST against the references, per group; ABC on the posterior's own training simulations.
const sims = await simulateDataset({ simulator: ricker({ T }), prior: rickerPrior(), n: trainSims, seed: trainSeed, workers: 0 });
const summaries = rickerSummaries(sims.xs, sims.n, T);
const abcK = Math.max(50, Math.round(sims.n / 100));
interface Scored { id: string; group: string; seed: number; npe: number; npeIS: number; abc: number; ess: number; isSeconds: number; rhatMax: number; essBulkMin: number; iterations: number; meanShift: number[]; sdRatio: number[]; meanShiftIS: number[]; sdRatioIS: number[] }
const scored: Scored[] = [];
const corrected = sampleByImportance ? rickerImportanceSampled(posterior, importance) : null;
console.log(`\n${set} set (${refs.length} references), C2ST of ${REFERENCE_DRAWS} draws against ${REFERENCE_DRAWS} PMMH reference draws:`);
console.log(
  sampleByImportance
    ? `NPE: the neural posterior's own draws; NPE-IS: importance-sampled (${importance.proposals} proposals, ${importance.particles} particles), the pipeline's draws`
    : "NPE: the neural posterior's own draws, the pipeline's draws with --importance-proposals 0 (NPE-IS columns empty)",
);
console.log('(per parameter log r / sigma / phi, NPE and NPE-IS against PMMH: mean shift in reference sds, and sd ratio, above 1 = too wide)');
console.log('reference   seed      theta                 R-hat max  ESS bulk min  C2ST NPE  NPE-IS  IS ESS  IS s   C2ST ABC  NPE shift / sd ratio          NPE-IS shift / sd ratio');
/** A figure, or '-' for one not measured (the NPE-IS columns with --importance-proposals 0). */
const num = (x: number, digits: number) => (Number.isNaN(x) ? '-' : x.toFixed(digits));
const fmt = (v: number[]) => v.map((x) => num(x, 2).padStart(5)).join(' ');
for (const [k, ref] of refs.entries()) {
  const draws = tf.tidy(() => posterior.sample([ref.observed], REFERENCE_DRAWS, 11 + k));
  const npe = Float64Array.from(draws.dataSync());
  draws.dispose();
  const t0 = performance.now();
  const isDraws = corrected?.sample([ref.observed], REFERENCE_DRAWS, 31 + k);
  const npeIS = isDraws ? Float64Array.from(isDraws.dataSync()) : null;
  isDraws?.dispose();
  const isSeconds = corrected ? (performance.now() - t0) / 1000 : NaN;
  const reference = { values: Float64Array.from(ref.draws.flat()), width: 3 };
  const abc = rejectionABC({ thetas: sims.thetas, thetaDim: 3, summaries, summaryDim: RICKER_SUMMARY_COUNT, observed: rickerSummaries(Float64Array.from(ref.observed), 1, T), k: abcK });
  const moments = momentMismatch({ values: npe, width: 3 }, reference);
  const momentsIS = npeIS ? momentMismatch({ values: npeIS, width: 3 }, reference) : { meanShift: [NaN, NaN, NaN], sdRatio: [NaN, NaN, NaN] };
  const s: Scored = {
    ...moments,
    meanShiftIS: momentsIS.meanShift,
    sdRatioIS: momentsIS.sdRatio,
    id: ref.id,
    group: ref.group,
    seed: ref.seed,
    npe: c2st({ values: npe, width: 3 }, reference, { seed: 13 }).accuracy,
    npeIS: npeIS ? c2st({ values: npeIS, width: 3 }, reference, { seed: 13 }).accuracy : NaN,
    ess: corrected ? corrected.lastDiagnostics[0].ess : NaN,
    isSeconds,
    abc: c2st({ values: abc.samples, width: 3 }, reference, { seed: 13 }).accuracy,
    rhatMax: Math.max(...ref.diagnostics.rhat),
    essBulkMin: Math.min(...ref.diagnostics.essBulk),
    iterations: ref.diagnostics.iterations,
  };
  scored.push(s);
  console.log(
    `${ref.id.padEnd(10)} ${String(ref.seed).padStart(8)}  ${ref.theta.map((v) => v.toFixed(3)).join(', ').padEnd(22)} ${s.rhatMax.toFixed(4).padStart(9)} ${String(s.essBulkMin).padStart(13)} ` +
      `${s.npe.toFixed(3).padStart(9)} ${num(s.npeIS, 3).padStart(7)} ${num(s.ess, 0).padStart(7)} ${num(s.isSeconds, 1).padStart(5)} ${s.abc.toFixed(3).padStart(9)}  ` +
      `${fmt(s.meanShift)} / ${s.sdRatio.map((v) => v.toFixed(2)).join(' ')}   ${fmt(s.meanShiftIS)} / ${s.sdRatioIS.map((v) => num(v, 2)).join(' ')}`,
  );
}
const mean = (v: number[]): number => v.reduce((a, x) => a + x, 0) / v.length;
const groups: Record<string, { npe: number; npeIS: number; abc: number; n: number }> = {};
for (const g of ['theta', 'prior'] as const) {
  const rows = scored.filter((s) => s.group === g);
  const label = g === 'theta' ? 'theta* = (3.8, 0.3, 10)' : 'prior-drawn theta';
  groups[g] = { npe: mean(rows.map((r) => r.npe)), npeIS: mean(rows.map((r) => r.npeIS)), abc: mean(rows.map((r) => r.abc)), n: rows.length };
  if (sampleByImportance) {
    report(`C2ST NPE-IS (the pipeline's draws) vs PMMH, mean over ${rows.length} ${set} observations at ${label}`, groups[g].npeIS, quick ? null : C2ST_THRESHOLD[g]);
    report(`C2ST NPE (the neural posterior alone) vs PMMH, mean over the same ${rows.length}`, groups[g].npe, null);
  } else {
    report(`C2ST NPE (the pipeline's draws with --importance-proposals 0) vs PMMH, mean over ${rows.length} ${set} observations at ${label}`, groups[g].npe, quick ? null : C2ST_THRESHOLD[g]);
  }
  report(`C2ST rejection ABC (${abcK} of ${sims.n}) vs PMMH, mean over the same ${rows.length}`, groups[g].abc, null);
  report(`C2ST NPE minus C2ST ABC, ${label} (NPE must be lower)`, groups[g].npe - groups[g].abc, 0);
  const sdRatios = (key: 'sdRatio' | 'sdRatioIS') => [0, 1, 2].map((j) => mean(rows.map((r) => r[key][j])).toFixed(2)).join(' / ');
  const shifts = (key: 'meanShift' | 'meanShiftIS') => [0, 1, 2].map((j) => mean(rows.map((r) => Math.abs(r[key][j]))).toFixed(2)).join(' / ');
  console.log(`  against PMMH at ${label}, mean over the ${rows.length} (log r / sigma / phi): NPE sd ratio ${sdRatios('sdRatio')}, |mean shift| ${shifts('meanShift')} reference sds${sampleByImportance ? `; NPE-IS sd ratio ${sdRatios('sdRatioIS')}, |mean shift| ${shifts('meanShiftIS')}` : ''}`);
  if (sampleByImportance) console.log(`  NPE-IS effective sample size: min ${Math.min(...rows.map((r) => r.ess)).toFixed(0)}, median ${[...rows.map((r) => r.ess)].sort((a, b) => a - b)[Math.floor(rows.length / 2)].toFixed(0)} of ${importance.proposals}; ${mean(rows.map((r) => r.isSeconds)).toFixed(1)} s per observation`);
}

// 3. Calibration on fresh simulations.
const calibration = pipelineCalibration ?? (await calibrateRickerPosterior(posterior, { simulations: quick ? 100 : 500, seed: trainSeed, T, quiet: true })).report;
for (const level of ['0.5', '0.8', '0.95']) {
  const c = calibration.coverage[level].coverage;
  report(`|expected coverage - ${level}| on ${calibration.simulations} fresh simulations (coverage ${c.toFixed(3)})`, Math.abs(c - Number(level)), quick ? null : 0.05);
}
report('SBC uniformity test passes (1 = yes)', calibration.sbc.pass ? 1 : 0, quick ? null : 1, false);
let calibrationIS = null;
if (corrected && importanceCalibration > 0) {
  const t0 = performance.now();
  console.log(`\ncalibration of NPE-IS on ${importanceCalibration} fresh simulations (199 draws each; about ${Math.ceil((importanceCalibration * importance.proposals * importance.particles) / 3e7)} min on one core) ...`);
  calibrationIS = (await calibrateRickerPosterior(corrected, { simulations: importanceCalibration, seed: trainSeed + 7, T, quiet: true, sharedDraws: 199 })).report;
  for (const level of ['0.5', '0.8', '0.95']) {
    const c = calibrationIS.coverage[level].coverage;
    report(`NPE-IS: |expected coverage - ${level}| on ${calibrationIS.simulations} fresh simulations (coverage ${c.toFixed(3)})`, Math.abs(c - Number(level)), quick ? null : 0.05);
  }
  report('NPE-IS: SBC uniformity test passes (1 = yes)', calibrationIS.sbc.pass ? 1 : 0, quick ? null : 1, false);
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(0)} s; SBC p-values ${Object.entries(calibrationIS.sbc.pValues).map(([k, v]) => `${k} ${Number(v).toFixed(3)}`).join(', ')})`);
}

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
mkdirSync(path.dirname(jsonOut), { recursive: true });
writeFileSync(
  jsonOut,
  `${JSON.stringify({ set, quick, posterior: posteriorArg ?? 'trained by this run', trainedWith: metadata, importance, observations: scored, groups, calibration, calibrationIS, figures: results, date: new Date().toISOString() }, null, 2)}\n`,
);
console.log(`wrote ${jsonOut}`);
process.exitCode = failed ? 1 : 0;
