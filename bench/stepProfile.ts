/**
 * Where a training step's time goes: for each case, the median wall time of a step and, from
 * `tf.profile` over one step, the kernel time by group, with the achieved GFLOP/s of the matrix
 * products (2 m k n flops per product, from their shapes). The rest of the wall time is
 * JavaScript: dispatch, the gradient tape, the hand-written backward passes that run outside
 * TF.js kernels (the spline, the fused window kernel) and the optimiser. `tf.profile` times each
 * kernel by itself, so group times are indicative (profiling slows a step down).
 *
 *   node --import tsx bench/stepProfile.ts [maf-h64-b256,maf-h256-b512,nsf-h256-b512,vae-b100,ricker-b512,ricker-b256]
 */
import * as tf from '@tensorflow/tfjs';
import { flowStepCase, rickerStepCase, vaeStepCase, type StepCase } from './kernelCounts.js';
import { TrainingLoop } from '../src/train/loop.js';
import { withoutValidation } from '../src/validation.js';
import { median } from './flowStep.js';

const CASES: Record<string, () => StepCase> = {
  'maf-h64-b256': () => flowStepCase('maf', 64, 256),
  'maf-h256-b512': () => flowStepCase('maf', 256, 512),
  'nsf-h64-b256': () => flowStepCase('nsf', 64, 256),
  'nsf-h256-b512': () => flowStepCase('nsf', 256, 512),
  'vae-b100': () => vaeStepCase(100),
  'ricker-b512': () => rickerStepCase(512),
  // Each thread's share of a 512-row step with a helper thread (dataParallel).
  'ricker-b256': () => rickerStepCase(256),
};

/** Flops of a matmul kernel from its input shapes (transposes materialised by the fast path keep m, k, n). */
function matmulFlops(shapes: number[][]): number {
  const [a, b] = shapes;
  const k = a[a.length - 1];
  const m = a.slice(0, -1).reduce((p, d) => p * d, 1);
  const n = b.length === a.length ? (b[b.length - 2] === k ? b[b.length - 1] : b[b.length - 2]) : b[b.length - 1];
  // A^T B products (weight gradients) share the leading dimension instead: [r, m] x [r, n].
  if (b[0] === a[0] && b[b.length - 2] !== k) return 2 * a[0] * a[a.length - 1] * b[b.length - 1];
  return 2 * m * k * n;
}

async function profileCase(name: string): Promise<void> {
  const c = CASES[name]();
  const loop = new TrainingLoop('stepProfile', c.model, { learningRate: 1e-4, lossCheckEvery: 1000 });
  try {
    loop.beginEpoch();
    const times: number[] = [];
    withoutValidation(() => {
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        loop.step(c.loss, c.rows);
        if (i >= 10) times.push(performance.now() - t0);
      }
    });
    const info = await tf.profile(() => withoutValidation(() => loop.step(c.loss, c.rows)));
    const groups = new Map<string, { ms: number; count: number; flops: number }>();
    for (const k of info.kernels) {
      const ms = Number(k.kernelTimeMs) || 0;
      const group = /MatMul/.test(k.name) ? 'matrix products' : k.name === 'unnamed scope' ? 'custom ops (inner kernels counted again)' : 'other kernels';
      const g = groups.get(group) ?? { ms: 0, count: 0, flops: 0 };
      g.ms += ms;
      g.count += 1;
      if (group === 'matrix products') g.flops += matmulFlops(k.inputShapes as number[][]);
      groups.set(group, g);
    }
    const wall = median(times);
    console.log(`${name}: ${wall.toFixed(1)} ms per step (median of 30), ${info.kernels.length} kernels`);
    for (const [group, g] of groups) {
      const rate = g.flops > 0 ? `, ${(g.flops / g.ms / 1e6).toFixed(1)} GFLOP/s (${(g.flops / 1e6).toFixed(0)} MFLOP)` : '';
      console.log(`  ${group.padEnd(42)} ${String(g.count).padStart(4)} kernels ${g.ms.toFixed(1).padStart(7)} ms${rate}`);
    }
  } finally {
    loop.finish();
    tf.dispose(c.inputs);
    c.model.dispose();
  }
}

const { ready } = await import('../src/backend/index.js');
await ready({ quiet: true });
const names = (process.argv[2] ?? Object.keys(CASES).join(',')).split(',');
for (const name of names) {
  if (!CASES[name]) throw new Error(`stepProfile: unknown case "${name}"; cases: ${Object.keys(CASES).join(', ')}`);
  await profileCase(name);
}
