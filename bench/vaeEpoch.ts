/**
 * Time one VAE training epoch over 8 000 binarised MNIST digits with batches of 100 (the classic
 * small VAE: encoder 784 → 256 → 64 → 2 × 2, decoder 2 → 64 → 256 → 784, Bernoulli, Adam 1e-3,
 * one reparameterised sample, analytic KL), through `fitVAE` on the default backend, and the same
 * architecture in PyTorch (bench/torch/bench_vae.py, one thread) on the same digits.
 *
 * Each of our epochs also evaluates the validation loss on 100 held-out digits (fit's early
 * stopping; about 1% of the epoch's work), which the PyTorch loop does not do.
 *
 *   npx tsx bench/vaeEpoch.ts [--quick]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadMnistPackage } from '../src/node/mnistFiles.js';
import { binarize, splitDigits } from '../src/data/digits.js';
import { gaussianEncoder } from '../src/vae/gaussianEncoder.js';
import { iafEncoder } from '../src/vae/flowEncoder.js';
import type { Encoder } from '../src/vae/encoder.js';
import { bernoulliDecoder } from '../src/vae/bernoulliDecoder.js';
import { VAE } from '../src/vae/vae.js';
import { fitVAE } from '../src/vae/fitVAE.js';
import { runTorch, type TorchTiming } from './torchReference.js';

const PIXELS = 784;
const ROWS = 8000;
const BATCH = 100;

export interface VaeEpochResult {
  /** Median wall time of one epoch (ms), Gaussian encoder. */
  ms: number;
  msAll: number[];
  /** The same with the example's flow encoder, 8 IAF steps with MADE 128-128 (not in quick mode). */
  flowMs: number | null;
  /** PyTorch's median epoch (ms) on the same digits, or null without PyTorch. */
  referenceMs: number | null;
  reference: TorchTiming | null;
  rows: number;
  batch: number;
}

/** Median of the per-epoch wall times of `timed` epochs after `warmup` epochs. */
function timeEpochs(encoder: Encoder, data: Float32Array, warmup: number, timed: number): number[] {
  const vae = new VAE(encoder, bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [64, 256], seed: 2 }));
  const ends: number[] = [];
  fitVAE(vae, { values: data, width: PIXELS }, {
    seed: 3,
    maxEpochs: warmup + timed,
    patience: warmup + timed,
    learningRate: 1e-3,
    batchSize: BATCH,
    // 8 100 rows: 100 for validation, 8 000 for training (the fraction rounds down).
    validationFraction: 100.5 / (ROWS + 100),
    onEpochEnd: (info) => void ends.push(info.elapsedMs),
  });
  vae.dispose();
  return ends.slice(warmup).map((t, i) => t - ends[warmup + i - 1]).filter((t) => Number.isFinite(t));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function benchVaeEpoch({ quick = false }: { quick?: boolean } = {}): Promise<VaeEpochResult> {
  const digits = loadMnistPackage();
  digits.images = binarize(digits.images, { seed: 2 });
  const { train } = splitDigits(digits, { testSize: digits.count - (ROWS + 100), seed: 1 });
  const [warmup, timed] = quick ? [1, 2] : [1, 4];
  const base = { inputDim: PIXELS, latentDim: 2, hidden: [256, 64], seed: 1 };
  const msAll = timeEpochs(gaussianEncoder(base), train.images, warmup, timed);
  const flowMs = quick ? null : median(timeEpochs(iafEncoder({ ...base, transforms: 8 }), train.images, warmup, timed));

  // PyTorch on the same 8 000 training digits, as raw little-endian float32.
  const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-vae-bench-'));
  let reference: TorchTiming | null;
  try {
    const file = path.join(dir, 'digits.f32');
    const rows = train.images.subarray(0, ROWS * PIXELS);
    writeFileSync(file, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    reference = await runTorch('bench_vae.py', ['--data', file, '--batch', String(BATCH), '--epochs', String(timed), '--warmup', String(warmup)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ms: median(msAll), msAll, flowMs, referenceMs: reference?.ms_median ?? null, reference, rows: ROWS, batch: BATCH };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ready } = await import('../src/backend/index.js');
  const backend = await ready({ quiet: true });
  const r = await benchVaeEpoch({ quick: process.argv.includes('--quick') });
  console.log(`vae-epoch (${r.rows} digits, batch ${r.batch}, ${backend}): ${(r.ms / 1000).toFixed(2)} s/epoch Gaussian encoder` +
    (r.flowMs !== null ? `, ${(r.flowMs / 1000).toFixed(2)} s/epoch IAF encoder (8 steps)` : ''));
  if (r.referenceMs !== null) {
    console.log(`PyTorch ${r.reference?.torch} (1 thread, ${r.reference?.blas}): ${(r.referenceMs / 1000).toFixed(2)} s/epoch; ratio ${(r.ms / r.referenceMs).toFixed(1)}x`);
  } else console.log('PyTorch reference: not available');
}
