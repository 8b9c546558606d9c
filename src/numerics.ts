/**
 * Float32 numerics in one place: the tolerances that tests and numerical inverses use, and stable
 * forms of the functions that overflow or cancel when written naively.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Tolerances for float32 computations. Property tests, numerical inverses and validation read
 * them from here so that they are defined once.
 */
export const TOLERANCES = {
  /** Relative and absolute tolerance of a round trip inverse(forward(x)) = x. */
  roundTripRel: 2e-4,
  roundTripAbs: 2e-4,
  /** Absolute tolerance on log|det J| comparisons (forward = -inverse, autodiff). */
  logDetAbs: 2e-3,
  /** Relative tolerance on log|det J| comparisons, applied to the magnitude of the log-det. */
  logDetRel: 1e-3,
  /** Numerical inverses (planar, radial): the residual |forward(x) - y| they stop at. */
  numericalInverse: 1e-5,
  /** Round trips through a numerical inverse (absolute and relative). */
  numericalRoundTripAbs: 1e-3,
  numericalRoundTripRel: 1e-3,
  /** Entries of a Jacobian that the structure says are zero. */
  structuralZero: 1e-7,
  /** Density integrating to one by quadrature. */
  quadrature: 1e-2,
  /** Hand-written gradients against autodiff (relative error). */
  gradientRel: 1e-5,
  /**
   * Gradients against a float32 central finite difference (Richardson, steps h and 2h), relative
   * to the larger of the two; the difference's own rounding is allowed for separately.
   */
  finiteDifferenceRel: 1e-2,
} as const;

/** Smallest positive float32 increments used to keep logs and divisions finite. */
export const EPS = {
  /** Added inside logs of probabilities. */
  log: 1e-12,
  /** Keeps values strictly inside (0, 1) before a logit. */
  unitInterval: 1e-6,
} as const;

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(x; 0, 1) summed over the last axis: -0.5 (x^2 + log 2 pi) per dimension. */
export function standardNormalLogProb(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const d = x.shape[1];
    return tf.sub(tf.mul(-0.5, tf.sum(tf.square(x), 1)), 0.5 * d * LOG_2PI) as tf.Tensor1D;
  });
}

export { LOG_2PI };

/**
 * log(1 + u) with full relative precision for small |u| on every backend (on wasm `tf.log1p(u)`
 * is log(1 + u): log1p(1e-7) gives 1.19e-7 and log1p(1e-30) gives 0). For |u| < 0.1 the series
 * log1p(u) = 2 atanh(s) = 2 s (1 + s²/3 + s⁴/5 + s⁶/7 + ...), s = u / (2 + u), truncation error
 * below 1e-11 relative; elsewhere log(1 + u). Differentiable (branches joined by a tf.step mask).
 */
export function log1p(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const small = tf.step(tf.sub(0.1, tf.abs(u)));
    const s = tf.div(u, tf.add(2, u));
    const s2 = tf.square(s);
    const series = tf.mul(tf.mul(2, s), tf.add(1, tf.mul(s2, tf.add(1 / 3, tf.mul(s2, tf.add(1 / 5, tf.div(s2, 7)))))));
    return tf.add(tf.mul(small, series), tf.mul(tf.sub(1, small), tf.log(tf.add(1, u))));
  });
}

/** softplus(x) = log(1 + e^x), without overflow or loss of relative precision: max(x, 0) + log1p(e^{-|x|}). */
export function softplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/** Inverse of softplus: y + log(-expm1(-y)), stable for small and large y > 0. */
export function inverseSoftplus(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(y, tf.log(tf.neg(expm1(tf.neg(y))))));
}

/**
 * expm1(x) = e^x - 1, accurate near 0 (TF.js has no expm1 op): a series for |x| < 1e-3.
 * Differentiable: the branch mask comes from tf.step, not a comparison.
 */
export function expm1(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const small = tf.step(tf.sub(1e-3, tf.abs(x)));
    const series = tf.mul(x, tf.add(1, tf.mul(x, tf.add(0.5, tf.div(x, 6)))));
    return tf.add(tf.mul(small, series), tf.mul(tf.sub(1, small), tf.sub(tf.exp(x), 1)));
  });
}

/** log(sigmoid(x)) = -softplus(-x). */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(softplus(tf.neg(x))));
}

/**
 * log-sum-exp along an axis, shifted by a constant maximum so that it neither overflows nor
 * differentiates through the max (the shift cancels in value and gradient). A slice whose
 * maximum is not finite is shifted by 0 instead: all -Infinity gives -Infinity (not NaN), and
 * +Infinity gives +Infinity.
 */
export function logSumExp(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() => {
    const max = tf.max(x, axis, true);
    const m = stopGradient(tf.where(tf.isFinite(max), max, tf.zerosLike(max)));
    return tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, m)), axis)), tf.squeeze(m, [axis]));
  });
}

/**
 * Soft clipping x / (1 + |x| / bound): the identity near 0, bounded by +-bound, with a gradient
 * that never vanishes. Used for the log-scales of affine transforms so that they cannot explode.
 */
export function softClip(x: tf.Tensor, bound: number): tf.Tensor {
  return tf.tidy(() => tf.div(x, tf.add(1, tf.div(tf.abs(x), bound))));
}

/** The value of x with a zero gradient (TF.js has no stop_gradient op). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.clone(input),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as T;
}

/**
 * Effective sample size (sum w)^2 / sum w^2 and log mean weight log((1/n) sum w) of importance
 * weights given as logs, computed with the weights scaled by their maximum so that neither
 * overflows. -Infinity entries are zero weights; when all are, ESS is 0 and the log mean -Infinity.
 * One implementation for every importance sampler (`estimateLogZ`, `ImportanceSampledPosterior`).
 */
export function importanceWeightSummary(logWeights: ArrayLike<number>): { ess: number; logMeanWeight: number } {
  const n = logWeights.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logWeights[i] > max) max = logWeights[i];
  if (max === -Infinity) return { ess: 0, logMeanWeight: -Infinity };
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp(logWeights[i] - max);
    sum += w;
    sumSq += w * w;
  }
  return { ess: (sum * sum) / sumSq, logMeanWeight: max + Math.log(sum / n) };
}
