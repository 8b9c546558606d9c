/**
 * An exact Poisson sampler that stays fast for every mean, on a {@link Xoshiro128} stream.
 *
 * - mean < 10: inversion by sequential search (one uniform; expected lambda + 1 steps):
 *   p_0 = e^-lambda, p_k = p_{k-1} lambda / k, return the first k with u <= p_0 + ... + p_k.
 * - mean >= 10: PTRS, Hörmann's transformed rejection with squeeze (W. Hörmann, "The transformed
 *   rejection method for generating Poisson random variables", Insurance: Mathematics and
 *   Economics 12, 1993), about 1.15 uniform pairs per draw and a log only on the slow path.
 *
 * Both are exact up to the resolution of the uniforms (2^-32). The acceptance test uses
 * log p(k) = -lambda + k log lambda - log k! from a table for k < 256, and beyond that the
 * cancellation-free Stirling form {@link poissonLogPmf}, so that means up to 2^52 stay accurate.
 */
import type { Xoshiro128 } from './simulationStreams.js';

/** Means at or above this use PTRS; below, inversion. */
export const POISSON_PTRS_THRESHOLD = 10;
/** The largest mean accepted: beyond 2^52 counts are no longer exact integers in a double. */
export const POISSON_MAX_MEAN = 2 ** 52;

const TABLE_SIZE = 256;
const LOG_FACTORIAL = new Float64Array(TABLE_SIZE);
for (let k = 1; k < TABLE_SIZE; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const MAX_SEARCH = 200;
const INV_K = new Float64Array(MAX_SEARCH + 1);
for (let k = 1; k <= MAX_SEARCH; k++) INV_K[k] = 1 / k;

/**
 * log P(K = k) for K ~ Poisson(lambda), lambda > 0, integer k >= 0. For k >= 256 it uses
 * Stirling's series log k! = k log k - k + log(2 pi k)/2 + 1/(12k) - 1/(360k^3) + 1/(1260k^5)
 * (error below 1e-17 there) rearranged with d = k - lambda as
 *   log p(k) = d - k log1p(d / lambda) - log(2 pi k)/2 - (1/(12k) - 1/(360k^3) + 1/(1260k^5)),
 * which avoids the cancellation of -lambda + k log lambda - log k! for large means.
 */
export function poissonLogPmf(k: number, lambda: number, logLambda = Math.log(lambda)): number {
  if (k < TABLE_SIZE) return -lambda + k * logLambda - LOG_FACTORIAL[k];
  const d = k - lambda;
  const ik = 1 / k;
  const ik2 = ik * ik;
  const series = ik * (1 / 12 - ik2 * (1 / 360 - ik2 / 1260));
  return d - k * Math.log1p(d / lambda) - 0.5 * Math.log(k) - HALF_LOG_2PI - series;
}

/**
 * Poisson by inversion (sequential search from 0); for means below 10. The squeeze
 * u <= 1 - lambda <= e^-lambda returns 0 without computing e^-lambda (most draws when lambda is
 * small), and 1/k comes from a table instead of a division.
 */
export function poissonInversion(rng: Xoshiro128, lambda: number): number {
  let u = rng.uniform();
  if (u <= 1 - lambda) return 0;
  const p0 = Math.exp(-lambda);
  for (;;) {
    let p = p0;
    let s = p0;
    let k = 0;
    while (u > s && k < MAX_SEARCH) {
      k++;
      p *= lambda * INV_K[k];
      s += p;
    }
    // k = MAX_SEARCH only when rounding left the cumulative sum below u (probability < 1e-9).
    if (k < MAX_SEARCH) return k;
    u = rng.uniform();
  }
}

/**
 * Poisson by PTRS (Hörmann 1993, algorithm PTRS), valid for lambda >= 10:
 *   b = 0.931 + 2.53 sqrt(lambda), a = -0.059 + 0.02483 b,
 *   alpha = 1.1239 + 1.1328 / (b - 3.4), v_r = 0.9277 - 3.6224 / (b - 2);
 *   repeat: U ~ U(-1/2, 1/2), V ~ U(0, 1), u_s = 1/2 - |U|, k = floor((2a / u_s + b) U + lambda + 0.43);
 *     accept at once if u_s >= 0.07 and V <= v_r; reject if k < 0 or (u_s < 0.013 and V > u_s);
 *     accept if log(V alpha / (a / u_s^2 + b)) <= log p(k).
 */
export function poissonPtrs(rng: Xoshiro128, lambda: number): number {
  const b = 0.931 + 2.53 * Math.sqrt(lambda);
  const a = -0.059 + 0.02483 * b;
  const alpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  let logLambda = NaN;
  for (;;) {
    const U = rng.uniform() - 0.5;
    const V = rng.uniform();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (logLambda !== logLambda) logLambda = Math.log(lambda);
    if (Math.log((V * alpha) / (a / (us * us) + b)) <= poissonLogPmf(k, lambda, logLambda)) return k;
  }
}

/**
 * One Poisson(lambda) draw: inversion below mean 10, PTRS from 10 on. Returns NaN for a mean that
 * is negative, NaN, or above {@link POISSON_MAX_MEAN} (including +Infinity).
 */
export function poisson(rng: Xoshiro128, lambda: number): number {
  if (lambda < POISSON_PTRS_THRESHOLD) return lambda >= 0 ? poissonInversion(rng, lambda) : NaN;
  return lambda <= POISSON_MAX_MEAN ? poissonPtrs(rng, lambda) : NaN;
}
