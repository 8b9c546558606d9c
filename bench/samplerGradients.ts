/**
 * Gradient throughput of `hmc` and `nuts` on a Bayesian MLP (two moons, 200 points, hidden 50:
 * 201 weights, 4 chains), in milliseconds per chain-gradient evaluation (wall time of the whole
 * run, warm-up included, over the evaluations the chains asked for), against the same model and a
 * plain batched HMC in PyTorch (bench/torch/bench_hmc.py, one thread). PyTorch has no NUTS of its
 * own, so both rows compare with that HMC: the gradient is the cost they share. No ratio is given
 * when PyTorch runs on the reference BLAS (install libopenblas0-serial).
 *
 *   npx tsx bench/samplerGradients.ts [--quick]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BayesianMLP } from '../src/bayes/bnn.js';
import { hmc } from '../src/bayes/hmc.js';
import { nuts } from '../src/bayes/nuts.js';
import { twoMoons } from '../src/data/toy2d.js';
import { runTorch, type TorchTiming } from './torchReference.js';

export interface SamplerGradientResult {
  hmcMs: number;
  nutsMs: number;
  /** PyTorch's ms per chain-gradient, or null (not installed, or on the reference BLAS). */
  referenceMs: number | null;
  reference: TorchTiming | null;
}

/** Whether the BLAS library PyTorch loaded is the slow reference implementation. */
export function isReferenceBlas(blas: unknown): boolean {
  return typeof blas === 'string' && !/openblas|mkl|blis|atlas/i.test(blas);
}

export async function benchSamplerGradients({ quick = false }: { quick?: boolean } = {}): Promise<SamplerGradientResult> {
  const x = twoMoons(200, 1, 0.2);
  const y = x.map((_, i) => i % 2);
  const hidden = [50];
  const model = new BayesianMLP({ x, y, hidden });
  const initial = model.samplePrior(4, 2, 0.3);
  const logJoint = model.logJoint();
  const iterations = quick ? 20 : 60;
  const perEval = (r: { stats: { wallTimeMs: number; evaluations: number[] } }) => r.stats.wallTimeMs / r.stats.evaluations.reduce((a, b) => a + b, 0);
  // An untimed run first: V8 and TF.js warm up over the first few hundred calls.
  hmc(logJoint, { initial, warmup: 10, samples: 10, leapfrogSteps: 8, seed: 1 });
  const hmcRun = hmc(logJoint, { initial, warmup: iterations, samples: iterations, leapfrogSteps: 16, seed: 3 });
  const nutsRun = nuts(logJoint, { initial, warmup: iterations, samples: iterations, maxTreeDepth: 6, seed: 4 });
  model.dispose();

  const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-hmc-bench-'));
  let reference: TorchTiming | null;
  try {
    const file = path.join(dir, 'model.json');
    writeFileSync(file, JSON.stringify({ x, y, hidden, initial }));
    reference = await runTorch('bench_hmc.py', ['--data', file, '--steps', '16', '--iterations', String(quick ? 10 : 40), '--repeats', quick ? '1' : '3']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const hmcMs = perEval(hmcRun);
  const nutsMs = perEval(nutsRun);
  let referenceMs = reference?.ms_median ?? null;
  if (reference && isReferenceBlas(reference.blas)) {
    console.log(`  PyTorch loaded the reference BLAS (${String(reference.blas)}): no ratio; install libopenblas0-serial`);
    referenceMs = null;
  }
  const rate = (ms: number) => `${Math.round(1000 / ms)} gradients/s`;
  const useful = nutsRun.stats.evaluations.reduce((a, b) => a + b, 0) / (nutsRun.stats.batchedCalls * nutsRun.chains);
  console.log(`  NUTS in lockstep: ${(100 * useful).toFixed(0)}% of the batched rows were gradients a chain asked for (the rest wait for deeper trees)`);
  console.log(`  HMC ${rate(hmcMs)}, NUTS ${rate(nutsMs)} (chain-gradients of a 201-weight BNN on 200 points, 4 chains); PyTorch HMC ${reference ? `${rate(reference.ms_median)} (torch ${String(reference.torch)}, 1 thread, ${String(reference.blas)})` : 'n/a'}`);
  return { hmcMs, nutsMs, referenceMs, reference };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ready } = await import('../src/backend/index.js');
  await ready();
  const r = await benchSamplerGradients({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify({ hmcMs: r.hmcMs, nutsMs: r.nutsMs, referenceMs: r.referenceMs }));
}
