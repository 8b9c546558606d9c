/**
 * npm run bench [-- --quick] [-- --json FILE]: the speed suite. For each case, the median time of
 * several runs here and of the same computation in a reference measured in the same run:
 * PyTorch (one thread, bench/torch/) for flows and the VAE, plain C (gcc -O2) for the simulator.
 * ratio = ms / referenceMs (for throughput cases: time per simulation or per gradient evaluation). Results also go to
 * bench-results.json (or --json FILE) as [{ case, ms, referenceMs, ratio }]. Before any ratio, the
 * PyTorch flows are checked to compute flowsbi's log-densities, gradients and samples
 * (bench/checkTorchParity.ts; also `npm run bench:parity`).
 */
import { writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend/index.js';
import { maf } from '../src/flows/builders.js';
import { nsf } from '../src/flows/nsf.js';
import type { Flow } from '../src/flows/flow.js';
import { withoutValidation } from '../src/validation.js';
import { timeFlowStep, median } from './flowStep.js';
import { runTorch, torchAvailable } from './torchReference.js';
import { checkTorchParity } from './checkTorchParity.js';
import { benchRickerSim } from './rickerSim.js';
import { benchVaeEpoch } from './vaeEpoch.js';
import { benchSamplerGradients } from './samplerGradients.js';
import { benchRickerStep } from './rickerStep.js';
import { KERNEL_COUNT_CASES, countStepKernels, formatKernelCount } from './kernelCounts.js';

interface Row {
  case: string;
  ms: number;
  referenceMs: number | null;
  ratio: number | null;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonPath = jsonIndex >= 0 ? args[jsonIndex + 1] : 'bench-results.json';
if (jsonIndex >= 0 && !jsonPath) throw new Error('bench: --json needs a file path');

await ready();
const rows: Row[] = [];
const row = (name: string, ms: number, referenceMs: number | null): Row => {
  const r = { case: name, ms, referenceMs, ratio: referenceMs ? ms / referenceMs : null };
  rows.push(r);
  const ref = referenceMs === null ? 'reference n/a' : `reference ${referenceMs.toPrecision(4)} ms, ratio ${r.ratio!.toFixed(2)}`;
  console.log(`${name.padEnd(22)} ${ms.toPrecision(4).padStart(10)} ms   ${ref}`);
  return r;
};

const hasTorch = await torchAvailable();
// A ratio only means something if the reference computes the same function: check first.
if (hasTorch && !(await checkTorchParity())) {
  throw new Error('bench: the PyTorch references (bench/torch/flows.py) do not compute what flowsbi computes; no ratio reported');
}
const stepRuns = quick ? 1 : 3;
const flowCases: [string, typeof maf, number, number, number][] = [
  ['maf-h64-b256', maf, 64, 256, quick ? 15 : 60],
  ['maf-h256-b512', maf, 256, 512, quick ? 5 : 20],
  ['nsf-h64-b256', nsf, 64, 256, quick ? 15 : 60],
  ['nsf-h256-b512', nsf, 256, 512, quick ? 5 : 20],
];
// Steady state, as in a training run (thousands of steps): V8 optimises TF.js's JavaScript (op
// dispatch, the gradient tape) and the spline's element loop over the first few hundred steps of
// a process, which run up to 1.6x slower (MAF h64: median 15.6 ms over steps 1-100, 9.5 ms after
// step 400). So the process first trains a throw-away MAF and NSF (hidden 64); then every case,
// here and in PyTorch, gets CASE_WARMUP untimed steps of its own. Cold figures are printed too.
const CASE_WARMUP = 10;
for (const [label, build, steps] of [['MAF', maf, quick ? 150 : 400], ['NSF', nsf, quick ? 75 : 200]] as const) {
  const cold = timeFlowStep({ build, hidden: 64, batch: 256, steps, warmup: 0, clock: 'wall' });
  console.log(`process warm-up: ${steps} ${label} h64 steps, median of the first 50 ${median(cold.slice(0, 50)).toFixed(1)} ms, of the last 50 ${median(cold.slice(-50)).toFixed(1)} ms`);
}
for (const [name, build, hidden, batch, steps] of flowCases) {
  const ours: number[] = [];
  for (let r = 0; r < stepRuns; r++) ours.push(median(timeFlowStep({ build, hidden, batch, steps, warmup: CASE_WARMUP, clock: 'wall' })));
  const torch = hasTorch
    ? await runTorch('bench_flows.py', ['--case', name.startsWith('maf') ? 'maf' : 'nsf', '--hidden', String(hidden), '--batch', String(batch), '--steps', String(steps * stepRuns), '--warmup', String(CASE_WARMUP)])
    : null;
  if (torch && name === flowCases[0][0]) console.log(`  reference: PyTorch ${String(torch.torch)}, one thread, BLAS ${String(torch.blas)}`);
  row(name, median(ours), torch?.ms_median ?? null);
}

// Kernels dispatched per training step (deterministic; pinned in test/bench/kernelCounts.test.ts).
console.log('\nkernels per training step (bench/kernelCounts.ts)');
for (const [name, make] of Object.entries(KERNEL_COUNT_CASES)) console.log('  ' + formatKernelCount(name, await countStepKernels(make())));
console.log('');

// The Ricker NPE training step (embedding + NSF, batch 512) against PyTorch of the same
// architecture: one thread each, and "defaults against defaults" (PyTorch with every core).
{
  const r = await benchRickerStep({ quick });
  row('ricker-train-step', r.ms, r.reference?.ms_median ?? null);
  row('ricker-train-step-defaults', r.ms, r.referenceAllCores?.ms_median ?? null);
  console.log(`  (defaults: flowsbi as a user runs it against PyTorch with ${r.threads} threads)`);
}

// Sampling 10 000 values for one context from a conditional MAF (hidden 64) after a few training steps.
{
  const flow: Flow = maf({ dim: 3, contextDim: 13, hidden: [64, 64], transforms: 5, seed: 1 });
  timeFlowStep({ build: () => flow, hidden: 64, batch: 256, steps: 5, warmup: 0, keep: true });
  const context = tf.randomNormal([1, 13], 0, 1, 'float32', 3) as tf.Tensor2D;
  const times: number[] = [];
  withoutValidation(() => {
    for (let r = 0; r < (quick ? 3 : 9); r++) {
      const t0 = performance.now();
      const s = flow.sample(10_000, { seed: r, context });
      s.dataSync();
      times.push(performance.now() - t0);
      s.dispose();
    }
  });
  context.dispose();
  flow.dispose();
  const torch = hasTorch ? await runTorch('bench_flows.py', ['--case', 'sample', '--steps', quick ? '3' : '9', '--warmup', '2']) : null;
  row('sample-10k', median(times.slice(1)), torch?.ms_median ?? null);
}

// The simulator: time per simulation (T = 50), against C on one core.
{
  const sim = await benchRickerSim({ quick });
  const cMsPerSim = sim.c ? 1000 / sim.c.simsPerSec : null;
  row('ricker-sim-1thread', 1000 / sim.oneThread.simsPerSec, cMsPerSim);
  row('ricker-sim-all-cores', 1000 / sim.allCores.simsPerSec, cMsPerSim);
  console.log(`  (all cores: ${sim.allCores.workers} workers, ${Math.round(sim.allCores.simsPerSec)} simulations/s; C one core: ${sim.c ? Math.round(sim.c.simsPerSec) : 'n/a'}/s)`);
}

// One VAE epoch over 8 000 MNIST digits, batch 100.
{
  const vae = await benchVaeEpoch({ quick });
  row('vae-epoch', vae.ms, vae.referenceMs);
}

// HMC and NUTS: time per chain-gradient evaluation on a 201-weight Bayesian MLP, against HMC on
// the same model in PyTorch.
{
  const s = await benchSamplerGradients({ quick });
  row('hmc-bnn-gradient', s.hmcMs, s.referenceMs);
  row('nuts-bnn-gradient', s.nutsMs, s.referenceMs);
}

// The targets of the speed issue, checked against this run's figures.
{
  const get = (name: string): Row | undefined => rows.find((r) => r.case === name);
  const check = (label: string, value: number | null | undefined, limit: number, better: 'below' | 'above'): void => {
    if (value === null || value === undefined) return void console.log(`  ${label}: n/a`);
    const ok = better === 'below' ? value <= limit : value >= limit;
    console.log(`  ${ok ? 'ok  ' : 'MISS'} ${label}: ${value.toFixed(2)} (target ${better === 'below' ? '<=' : '>='} ${limit})`);
  };
  console.log('\ntargets');
  check('MAF h64 / PyTorch', get('maf-h64-b256')?.ratio, 1.2, 'below');
  check('MAF h256 / PyTorch', get('maf-h256-b512')?.ratio, 2.2, 'below');
  check('NSF h64 / PyTorch', get('nsf-h64-b256')?.ratio, 1.0, 'below');
  check('NSF h256 / PyTorch', get('nsf-h256-b512')?.ratio, 2.2, 'below');
  check('sampling 10k / PyTorch', get('sample-10k')?.ratio, 1.0, 'below');
  check('VAE epoch / PyTorch', get('vae-epoch')?.ratio, 2.5, 'below');
  check('Ricker training step / PyTorch', get('ricker-train-step')?.ratio, 1.5, 'below');
  const sim = get('ricker-sim-1thread')?.ratio;
  check('simulator speed / C, one thread', sim ? 1 / sim : null, 0.5, 'above');
  const all = get('ricker-sim-all-cores');
  const one = get('ricker-sim-1thread');
  check('simulator, all cores / one thread', all && one ? one.ms / all.ms : null, 1, 'above');
}

await writeFile(jsonPath, JSON.stringify(rows, null, 2) + '\n');
console.log(`\nwrote ${jsonPath}`);
