/**
 * The fused window kernel's products against TF.js's wasm products (XNNPACK through the library's
 * fast path), one product at a time, on the shapes of a Ricker training step (batch 512, 47
 * windows: 24 064 rows of width 32) and of the dense layers of the speed suite. For each shape
 * [R, K] x [K, H]: A W and the weight gradient A^T D, as ms and GFLOP/s (2 R K H flops). The
 * TF.js times include creating and reading back the result; the kernel's exclude copies into its
 * memory (the fused op copies the inputs once per step).
 *
 *   node --import tsx bench/windowKernel.ts
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend/index.js';
import { WindowMlpKernel } from '../src/backend/windowMlpKernel.js';
import { median } from './flowStep.js';

interface KernelInternals {
  fn: {
    gemm(a: number, w: number, bias: number, mask: number, out: number, R: number, K: number, H: number, relu: number): void;
    gemmTransposedA(a: number, d: number, g: number, colsum: number, R: number, K: number, H: number): void;
  };
  memory: WebAssembly.Memory;
}

function time(f: () => void, runs = 7, reps = 10): number {
  for (let i = 0; i < 3; i++) f();
  const t: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    t.push((performance.now() - t0) / reps);
  }
  return median(t);
}

await ready({ quiet: true });
const kernel = WindowMlpKernel.get() as unknown as KernelInternals | null;
if (!kernel) throw new Error('windowKernel: WebAssembly SIMD is not available here');
const gf = (flops: number, ms: number) => (flops / ms / 1e6).toFixed(1);
for (const [R, K, H] of [[24064, 32, 32], [24064, 12, 32], [512, 64, 64], [512, 256, 256], [100, 784, 256]]) {
  const A = tf.randomNormal([R, K], 0, 1, 'float32', 1) as tf.Tensor2D;
  const W = tf.randomNormal([K, H], 0, 1, 'float32', 2) as tf.Tensor2D;
  const D = tf.randomNormal([R, H], 0, 1, 'float32', 3) as tf.Tensor2D;
  const tfForward = time(() => tf.tidy(() => void tf.matMul(A, W).dataSync()));
  const tfGrad = time(() => tf.tidy(() => void tf.matMul(A, D, true, false).dataSync()));
  const bytes = (R * K + K * H + 2 * R * H + K * H + H) * 4 + 4096;
  const pages = Math.ceil(bytes / 65536) - kernel.memory.buffer.byteLength / 65536;
  if (pages > 0) kernel.memory.grow(pages);
  const a = 1024;
  const w = a + R * K * 4;
  const o = w + K * H * 4;
  const g = o + R * H * 4;
  const colsum = g + K * H * 4;
  const heap = new Float32Array(kernel.memory.buffer);
  heap.set(A.dataSync(), a / 4);
  heap.set(W.dataSync(), w / 4);
  heap.set(D.dataSync(), o / 4);
  const ours = time(() => kernel.fn.gemm(a, w, 0, 0, o, R, K, H, 0));
  heap.set(D.dataSync(), o / 4);
  const oursGrad = time(() => kernel.fn.gemmTransposedA(a, o, g, colsum, R, K, H));
  const flops = 2 * R * K * H;
  console.log(
    `[${R}, ${K}] x [${K}, ${H}]: A W  tf ${tfForward.toFixed(3)} ms (${gf(flops, tfForward)} GFLOP/s), kernel ${ours.toFixed(3)} ms (${gf(flops, ours)}); ` +
      `A^T D  tf ${tfGrad.toFixed(3)} ms (${gf(flops, tfGrad)}), kernel ${oursGrad.toFixed(3)} ms (${gf(flops, oursGrad)})`,
  );
  tf.dispose([A, W, D]);
}
