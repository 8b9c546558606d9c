/**
 * Kernels per training step: how many TF.js kernels one optimisation step dispatches, by name,
 * for the cases of the speed suite. At hidden 64 a step's time is mostly per-kernel dispatch
 * (about 3 us per plain kernel, about 17 us per kernel recorded on the gradient tape), so the
 * count is a deterministic proxy for the time that a shared, noisy machine cannot measure well.
 * `test/kernelCounts.test.ts` pins the counts so that they cannot creep back.
 *
 * Counted through `tf.profile` (the engine's kernel dispatches). Kernels that a kernel calls
 * directly (the transposes inside `backend/wasmMatMul.ts`'s wrappers) are not dispatches and are
 * not counted; the Adam update runs in JavaScript and launches none.
 *
 *   node --import tsx bench/kernelCounts.ts [--times]
 */
import * as tf from '@tensorflow/tfjs';
import { maf } from '../src/flows/builders.js';
import { nsf } from '../src/flows/nsf.js';
import { Flow } from '../src/flows/flow.js';
import { Chain } from '../src/bijectors/chain.js';
import { Box } from '../src/bijectors/elementwise/box.js';
import { ElementwiseAffine } from '../src/bijectors/elementwise/elementwiseAffine.js';
import { StandardNormal } from '../src/distributions/standardNormal.js';
import { Standardize } from '../src/nn/standardize.js';
import { rickerEmbedding, RICKER_NPE_DEFAULTS } from '../simulators/ricker/npe.js';
import { rickerFeatureWidths, type RickerFeatureMode } from '../simulators/ricker/features.js';
import { NPEPosterior } from '../src/sbi/npe/posterior.js';
import { gaussianEncoder } from '../src/vae/gaussianEncoder.js';
import { bernoulliDecoder } from '../src/vae/bernoulliDecoder.js';
import { VAE } from '../src/vae/vae.js';
import { TrainingLoop } from '../src/train/loop.js';
import type { Module } from '../src/module.js';
import { toRandom } from '../src/random.js';
import { withoutValidation } from '../src/validation.js';
import { RICKER_PRIOR_HIGH, RICKER_PRIOR_LOW } from '../simulators/ricker/ricker.js';

/** One training-step case: a model, its loss on fixed inputs, and the inputs to dispose. */
export interface StepCase {
  name: string;
  model: Module;
  loss: () => tf.Scalar;
  rows: number;
  inputs: tf.Tensor[];
}

/** The kernels of one step: total and per kernel name, with the profiled time per name. */
export interface KernelCount {
  total: number;
  byName: Map<string, { count: number; ms: number }>;
}

/** A conditional flow step of the speed suite (dim 3, context 13, 5 transforms, hidden [h, h]). */
export function flowStepCase(kind: 'maf' | 'nsf', hidden: number, batch: number): StepCase {
  const build = kind === 'maf' ? maf : nsf;
  const flow: Flow = build({ dim: 3, contextDim: 13, hidden: [hidden, hidden], transforms: 5, seed: 1 });
  const x = tf.randomNormal([batch, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
  const c = tf.randomNormal([batch, 13], 0, 1, 'float32', 2) as tf.Tensor2D;
  return { name: `${kind}-h${hidden}-b${batch}`, model: flow, rows: batch, inputs: [x, c], loss: () => tf.neg(tf.mean(flow.logProb(x, c))) as tf.Scalar };
}

/** The VAE step of `bench/vaeEpoch.ts`: 784 → 256 → 64 → (2, 2) and back, batch 100, Bernoulli. */
export function vaeStepCase(batch = 100): StepCase {
  const vae = new VAE(
    gaussianEncoder({ inputDim: 784, latentDim: 2, hidden: [256, 64], seed: 1 }),
    bernoulliDecoder({ latentDim: 2, outputDim: 784, hidden: [64, 256], seed: 2 }),
  );
  const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, 784], 0, 1, 'float32', 4), 0.8), 'float32')) as tf.Tensor2D;
  const random = toRandom(5);
  return { name: `vae-b${batch}`, model: vae, rows: batch, inputs: [x], loss: () => tf.neg(tf.mean(vae.elbo(x, { seed: random }))) as tf.Scalar };
}

/**
 * The Ricker NPE training step as `trainRickerNPE` builds it with its defaults
 * (`RICKER_NPE_DEFAULTS.features` unless `mode` is given): the feature columns for series of
 * length T = 50, the embedding of `rickerEmbedding`, an NSF (5 transforms, hidden [64, 64],
 * 8 bins) on 3 parameters followed by the fixed standardisation and the prior box, batch 512.
 */
export function rickerStepCase(batch = 512, T = 50, mode: RickerFeatureMode = RICKER_NPE_DEFAULTS.features): StepCase {
  const random = toRandom(7);
  const { summaryWidth, rawWidth, width } = rickerFeatureWidths(mode, T);
  const embedding = rickerEmbedding(mode, summaryWidth, rawWidth, random.fork())!;
  const learned = nsf({ dim: 3, contextDim: 64, ...RICKER_NPE_DEFAULTS.flow, seed: random.fork() });
  const bounds = { low: [...RICKER_PRIOR_LOW], high: [...RICKER_PRIOR_HIGH] };
  const flow = new Flow(new StandardNormal(3), new Chain([
    learned.bijector,
    new ElementwiseAffine({ dim: 3, shift: [0, 0, 0], scale: [1.5, 1.5, 1.5], trainable: false }),
    new Box(bounds),
  ]));
  const posterior = new NPEPosterior({ xStandardizer: new Standardize({ dim: width }), embedding, flow, bounds });
  posterior.train(true);
  const theta = tf.tidy(() => {
    const u = tf.randomUniform([batch, 3], 0.02, 0.98, 'float32', 8);
    const low = tf.tensor1d(bounds.low);
    return tf.add(low, tf.mul(u, tf.sub(tf.tensor1d(bounds.high), low)));
  }) as tf.Tensor2D;
  const xz = tf.randomNormal([batch, width], 0, 1, 'float32', 9) as tf.Tensor2D;
  return { name: `ricker-b${batch}`, model: posterior, rows: batch, inputs: [theta, xz], loss: () => tf.neg(tf.mean(posterior.logProbStandardized(theta, xz))) as tf.Scalar };
}

/** The four pinned cases. */
export const KERNEL_COUNT_CASES: Record<string, () => StepCase> = {
  'maf-h64-b256': () => flowStepCase('maf', 64, 256),
  'nsf-h64-b256': () => flowStepCase('nsf', 64, 256),
  'vae-b100': () => vaeStepCase(100),
  'ricker-b512': () => rickerStepCase(512),
};

/**
 * Count the kernels of one training step (gradient, clipping, Adam) of `c`, after `warmup`
 * uncounted steps (the first step builds optimiser state). Disposes the case.
 */
export async function countStepKernels(c: StepCase, warmup = 1): Promise<KernelCount> {
  const loop = new TrainingLoop('kernelCounts', c.model, { learningRate: 1e-4, lossCheckEvery: 1000 });
  try {
    loop.beginEpoch();
    withoutValidation(() => {
      for (let i = 0; i < warmup; i++) loop.step(c.loss, c.rows);
    });
    const info = await tf.profile(() => withoutValidation(() => loop.step(c.loss, c.rows)));
    const byName = new Map<string, { count: number; ms: number }>();
    for (const k of info.kernels) {
      const e = byName.get(k.name) ?? { count: 0, ms: 0 };
      e.count += 1;
      e.ms += Number(k.kernelTimeMs) || 0;
      byName.set(k.name, e);
    }
    return { total: info.kernels.length, byName };
  } finally {
    loop.finish();
    tf.dispose(c.inputs);
    c.model.dispose();
  }
}

/** One line per case: total and the most frequent kernels. */
export function formatKernelCount(name: string, k: KernelCount, top = 8, times = false): string {
  const entries = [...k.byName.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, top);
  const parts = entries.map(([n, e]) => `${n} ${e.count}${times ? ` (${e.ms.toFixed(2)} ms)` : ''}`);
  return `${name.padEnd(14)} ${String(k.total).padStart(5)} kernels/step: ${parts.join(', ')}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ready } = await import('../src/backend/index.js');
  await ready({ quiet: true });
  const times = process.argv.includes('--times');
  for (const [name, make] of Object.entries(KERNEL_COUNT_CASES)) {
    console.log(formatKernelCount(name, await countStepKernels(make()), times ? 40 : 8, times));
  }
}
