import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '../distributions/distribution.js';
import { toRandom, type SeedLike } from '../random.js';
import { withoutValidation } from '../validation.js';
import { importanceWeightSummary } from '../numerics.js';
import { TrainingLoop, type LoopOptions, type TrainHistory } from './loop.js';

/** An unnormalised log density log p~(x) of rows x: [n, dim] → [n]. Must be differentiable in x. */
export type LogDensity = (x: tf.Tensor2D) => tf.Tensor1D;

export interface FitVariationalOptions extends LoopOptions {
  /** Reparameterised samples per step (default 256). */
  samplesPerStep?: number;
  /** Steps per epoch (default 100). */
  stepsPerEpoch?: number;
  /** Samples of the fixed validation estimate of the ELBO (default 4096). */
  validationSamples?: number;
  /**
   * The log density of the validation ELBO when it differs from the training one: a minibatched
   * likelihood (a fresh minibatch per call, scaled to the full data) trains, the full-data one
   * validates (default: `logDensity`).
   */
  validationLogDensity?: LogDensity;
  seed?: SeedLike;
}

/**
 * Reverse-KL variational inference: fit q to an unnormalised density p~ by maximising the ELBO
 *   L(q) = E_q[log p~(x) - log q(x)] = log Z - KL(q || p),
 * estimated with reparameterised samples from `sampleAndLogProb` (Rezende & Mohamed 2015).
 * The loss is -L. Early stopping watches the ELBO on a fixed set of base draws (the same seed at
 * every epoch), so epochs are compared with common random numbers. The flow should sample
 * cheaply (IAF, RealNVP, NSF coupling, planar/radial).
 */
export function fitVariational(q: Distribution, logDensity: LogDensity, options: FitVariationalOptions = {}): TrainHistory {
  if (q.contextDim > 0) throw new Error('fitVariational: q must be unconditional; received a conditional distribution');
  const samples = options.samplesPerStep ?? 256;
  const steps = options.stepsPerEpoch ?? 100;
  const validationSamples = options.validationSamples ?? 4096;
  for (const [name, v] of [['samplesPerStep', samples], ['stepsPerEpoch', steps], ['validationSamples', validationSamples]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`fitVariational: ${name} must be a positive integer; received ${v}`);
  }
  const random = toRandom(options.seed);
  const validationSeed = random.nextSeed();
  const negElbo = (n: number, seed: SeedLike, density: LogDensity = logDensity) =>
    tf.tidy(() => {
      const { sample, logProb } = q.sampleAndLogProb(n, { seed });
      return tf.mean(tf.sub(logProb, density(sample))) as tf.Scalar;
    });
  const loop = new TrainingLoop('fitVariational', q, options);
  return withoutValidation(() => {
    while (loop.beginEpoch(steps)) {
      for (let s = 0; s < steps; s++) loop.step(() => negElbo(samples, random), samples);
      q.train(false);
      const value = tf.tidy(() => negElbo(validationSamples, validationSeed, options.validationLogDensity).dataSync()[0]);
      if (!loop.endEpoch(value)) break;
    }
    return loop.finish();
  });
}

export interface LogZEstimate {
  /** log Z ≈ log (1/n) sum_i p~(x_i) / q(x_i), x_i ~ q. */
  logZ: number;
  /** Standard error of the estimate (delta method on the mean of the weights). */
  standardError: number;
  /** Effective sample size of the importance weights, (sum w)^2 / sum w^2. */
  effectiveSampleSize: number;
  /** ELBO estimate E_q[log p~ - log q] (a lower bound on log Z). */
  elbo: number;
  samples: number;
}

/**
 * Importance-sampling estimate of the normaliser Z = ∫ p~(x) dx with q as proposal:
 * w_i = p~(x_i)/q(x_i), Z ≈ mean(w). Computed in log space with the weights scaled by their
 * maximum; the standard error of log Z is sd(w) / (sqrt(n) mean(w)) by the delta method.
 * Evaluated in chunks of 10 000 samples.
 */
export function estimateLogZ(q: Distribution, logDensity: LogDensity, n = 100_000, seed?: SeedLike): LogZEstimate {
  if (!(Number.isInteger(n) && n >= 2)) throw new Error(`estimateLogZ: n must be an integer >= 2; received ${n}`);
  const random = toRandom(seed);
  const logW = new Float64Array(n);
  const chunk = 10_000;
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const values = tf.tidy(() => {
      const { sample, logProb } = q.sampleAndLogProb(m, { seed: random });
      return tf.sub(logDensity(sample), logProb).dataSync();
    });
    logW.set(values, start);
  }
  const { ess, logMeanWeight } = importanceWeightSummary(logW);
  let elbo = 0;
  for (const v of logW) elbo += v;
  // sd(w) / mean(w) = sqrt(n sum w^2 / (sum w)^2 - 1) = sqrt(n / ESS - 1), with Bessel's correction.
  const relativeSd = Math.sqrt(Math.max(n / ess - 1, 0) * (n / (n - 1)));
  return {
    logZ: logMeanWeight,
    standardError: relativeSd / Math.sqrt(n),
    effectiveSampleSize: ess,
    elbo: elbo / n,
    samples: n,
  };
}
