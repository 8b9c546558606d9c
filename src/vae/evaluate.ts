import * as tf from '@tensorflow/tfjs';
import type { VAE } from './vae.js';
import { toRandom, type SeedLike } from '../random.js';

export interface VAEEvaluation {
  /** Mean ELBO per data point (nats). */
  elbo: number;
  /** Mean importance-weighted estimate of log p(x) with K samples (nats). */
  logLikelihood: number;
  /** logLikelihood - elbo: the mean KL(q(z | x) || p(z | x)) up to the IW estimate's own bias. */
  gap: number;
  K: number;
  rows: number;
  /** Batches of 100 rows (the last may be shorter), and how many had a mean IW estimate below their mean ELBO. */
  batches: number;
  batchesWithIwBelowElbo: number;
  /** Standard errors over data points of the three means (the gap's from per-point differences). */
  elboStandardError: number;
  logLikelihoodStandardError: number;
  gapStandardError: number;
  /** Per data point, in row order: the ELBO and IW estimates (for paired comparisons of two models on the same rows). */
  perPoint: { elbo: number[]; logLikelihood: number[] };
}

/**
 * Evaluate a trained VAE on data x, [rows, dataDim] (test digits): the mean ELBO (each point's
 * estimated with `elboSamples` draws, default 10), the mean importance-weighted log p(x) with K
 * draws (default 1000), and their difference, in nats per data point; also, per batch of 100
 * rows, whether the IW estimate stays at or above the ELBO. Rows are processed in
 * chunks of `batchSize` (row, sample) pairs (default 10 000) to bound memory.
 */
export function evaluateVAE(
  vae: VAE,
  x: tf.Tensor2D,
  options: { K?: number; elboSamples?: number; batchSize?: number; seed?: SeedLike; condition?: tf.Tensor2D } = {},
): VAEEvaluation {
  const K = options.K ?? 1000;
  const random = toRandom(options.seed);
  const pairs = options.batchSize ?? 10_000;
  const elboSamples = options.elboSamples ?? 10;
  const rowsPerPass = Math.max(1, Math.floor(pairs / elboSamples));
  const elbo: number[] = [];
  vae.eval();
  for (let start = 0; start < x.shape[0]; start += rowsPerPass) {
    const rows = Math.min(rowsPerPass, x.shape[0] - start);
    const values = tf.tidy(() => {
      const xs = tf.slice(x, [start, 0], [rows, -1]) as tf.Tensor2D;
      const cs = options.condition ? (tf.slice(options.condition, [start, 0], [rows, -1]) as tf.Tensor2D) : undefined;
      return vae.elbo(xs, { samples: elboSamples, seed: random, condition: cs }).dataSync();
    });
    elbo.push(...values);
  }
  const iw = tf.tidy(() =>
    Array.from(vae.importanceWeightedLogLikelihood(x, { K, batchSize: pairs, seed: random, condition: options.condition }).dataSync()),
  );
  const e = meanAndStandardError(elbo);
  const l = meanAndStandardError(iw);
  const g = meanAndStandardError(iw.map((v, i) => v - elbo[i]));
  let batchesWithIwBelowElbo = 0;
  const batches = Math.ceil(iw.length / 100);
  for (let b = 0; b < batches; b++) {
    const rows = iw.slice(100 * b, 100 * b + 100).map((v, i) => v - elbo[100 * b + i]);
    if (rows.reduce((s, v) => s + v, 0) < 0) batchesWithIwBelowElbo += 1;
  }
  return {
    elbo: e.mean,
    logLikelihood: l.mean,
    gap: l.mean - e.mean,
    K,
    rows: x.shape[0],
    batches,
    batchesWithIwBelowElbo,
    elboStandardError: e.standardError,
    logLikelihoodStandardError: l.standardError,
    gapStandardError: g.standardError,
    perPoint: { elbo, logLikelihood: iw },
  };
}

/** Mean of `values` and its standard error (sample sd / sqrt(n)); for paired comparisons pass the per-point differences. */
export function meanAndStandardError(values: number[]): { mean: number; standardError: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, standardError: Math.sqrt(variance / n) };
}
