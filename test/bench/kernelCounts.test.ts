// Kernels dispatched per training step (bench/kernelCounts.ts), pinned so that they cannot creep
// back: a step's time at hidden 64 is mostly per-kernel dispatch. The counts are deterministic
// for a backend; lower a pin when a change removes kernels (never raise one without a reason in
// the commit message). Before issue 13 they were MAF 694, NSF 410, VAE 238, Ricker 679 (wasm).
// MAF went 408 -> 433 on purpose: the affine transform splits and joins its parameters with
// products by 0/1 matrices (5 cheap kernels) instead of unstack/stack (2 strided copies, each
// 2-5x slower on wasm than the products together).
// Ricker went 544 -> 477 with issue 15's default features ('windows': the summary MLP beside the
// sliding-window embedding, which replaced the Conv1D embedding of 'both'), then 477 -> 434 with
// the fused WebAssembly window kernel (the window layers and pooling are one node), then
// 434 -> 314 when the Ricker default flow went from 5 NSF transforms to 3 (RICKER_NPE_DEFAULTS.flow).
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { KERNEL_COUNT_CASES, countStepKernels, formatKernelCount } from '../../bench/kernelCounts.js';

const PINNED_WASM: Record<string, number> = {
  'maf-h64-b256': 418,
  'nsf-h64-b256': 309,
  'vae-b100': 208,
  'ricker-b512': 314,
};

describe.runIf(tf.getBackend() === 'wasm')('kernels per training step (wasm)', () => {
  for (const [name, pinned] of Object.entries(PINNED_WASM)) {
    test(`${name}: at most ${pinned}`, async () => {
      const before = tf.memory().numTensors;
      const count = await countStepKernels(KERNEL_COUNT_CASES[name]());
      console.log(formatKernelCount(name, count));
      expect(count.total).toBeGreaterThan(0);
      expect(count.total).toBeLessThanOrEqual(pinned);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
