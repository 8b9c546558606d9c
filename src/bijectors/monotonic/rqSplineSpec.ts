/**
 * The definition of a rational-quadratic spline family (the lowest layer of the spline files,
 * imported by the layout, both implementations and the dispatcher; it imports none of them), and
 * the scalar maps from raw network outputs to bounded bin sizes and knot derivatives that both
 * implementations (`rqSplineJs.ts` in float64, `rqSplineOps.ts` in tensor ops) follow.
 *
 * Constraints (see `RQSplineTransform` for why they are chosen together):
 * - every bin's slope h_k / w_k lies in [minSlope, 1 / minSlope]: widths and heights are
 *   2B (m + (1 - K m) softmax(raw)) with the minimum bin fraction m = minSlope / (1 + (K - 1) minSlope),
 *   so that the smallest bin over the widest one is exactly minSlope;
 * - every knot derivative lies in (minDerivative, 1 / minDerivative): d = exp(r / (1 + |r| / L)),
 *   L = log(1 / minDerivative), a soft clip of log d with a gradient that never vanishes (zuko's form).
 */
import type * as tf from '@tensorflow/tfjs';

export type SplineTails = 'linear' | 'identity';

/** The options that define a spline family (validated by `RQSplineTransform`). */
export interface SplineSpec {
  bins: number;
  bound: number;
  tails: SplineTails;
  /** Smallest bin slope h_k / w_k, in (0, 1); the largest is its inverse. */
  minSlope: number;
  /** Knot derivatives lie in (minDerivative, 1 / minDerivative); minDerivative in (0, 1). */
  minDerivative: number;
}

/** An implementation's result: packed [out; log-derivative] as [2, batch, dim], and its backward. */
export interface KernelResult {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
}

/** Raw derivative parameters per dimension: K + 1 for linear tails, the K - 1 interior ones for identity tails. */
export function derivativeCount(spec: SplineSpec): number {
  return spec.tails === 'linear' ? spec.bins + 1 : spec.bins - 1;
}

/**
 * Minimum bin width (and height) as a fraction of 2B: m = minSlope / (1 + (K - 1) minSlope). The
 * widest bin is 1 - (K - 1) m of 2B, so the flattest bin has slope m / (1 - (K - 1) m) = minSlope.
 */
export function minBinFraction(spec: SplineSpec): number {
  return spec.minSlope / (1 + (spec.bins - 1) * spec.minSlope);
}

/** L = log(1 / minDerivative): log d = r / (1 + |r| / L) stays inside (-L, L). */
export function logDerivativeBound(spec: SplineSpec): number {
  return -Math.log(spec.minDerivative);
}

/**
 * Knot derivative d = exp(r / (1 + |r| / L)) from a raw value r, and dd/dr = d / (1 + |r| / L)^2
 * (float64; the tensor-op implementation computes the same expressions in tensors).
 */
export function knotDerivative(r: number, L: number): [number, number] {
  const a = 1 + Math.abs(r) / L;
  const d = Math.exp(r / a);
  return [d, d / (a * a)];
}

/** T'(theta) in a bin of slope s between knot derivatives d0 and d1 (the paper's eq. 5). */
function binDerivative(s: number, d0: number, d1: number, theta: number): number {
  const q = theta * (1 - theta);
  const den = s + (d0 + d1 - 2 * s) * q;
  return (s * s * (d1 * theta * theta + 2 * s * q + d0 * (1 - theta) * (1 - theta))) / (den * den);
}

/**
 * The smallest derivative T'(x) of any spline of the family inside [-B, B] (outside, the linear
 * tails have slopes d_0, d_K > minDerivative). In a bin, T'(theta) = s^2 Nn / den^2 with Nn and
 * den linear in each knot derivative, which makes T' unimodal in each derivative (its minimum at
 * an end of the range), and the minimum over bins is in the flattest one (s = minSlope; not
 * proven here, but a search over all slopes confirms it, see below); so it is the minimum over theta of T' at s = minSlope with d_k, d_{k+1} in {minDerivative, 1 / minDerivative},
 * found here by a dense search in theta refined by golden sections. With both knots steepest it
 * is 2 s^2 / (s + D) at theta = 1/2 (D = 1 / minDerivative): 0.0364 for the defaults 0.2 and 0.5.
 * (test/bijectors/splineFloor.test.ts checks it against a search over all bins and derivatives.)
 */
export function derivativeFloor(spec: SplineSpec): number {
  const s = spec.minSlope;
  const ends = [spec.minDerivative, 1 / spec.minDerivative];
  let floor = Infinity;
  for (const d0 of ends) {
    for (const d1 of ends) {
      const f = (theta: number) => binDerivative(s, d0, d1, theta);
      const n = 1000;
      let best = 0;
      for (let i = 1; i <= n; i++) if (f(i / n) < f(best / n)) best = i;
      // Golden-section refinement within the grid cells around the best point.
      let lo = Math.max(0, (best - 1) / n);
      let hi = Math.min(1, (best + 1) / n);
      const g = (Math.sqrt(5) - 1) / 2;
      for (let k = 0; k < 60; k++) {
        const a = hi - g * (hi - lo);
        const b = lo + g * (hi - lo);
        if (f(a) < f(b)) hi = b;
        else lo = a;
      }
      floor = Math.min(floor, f(best / n), f((lo + hi) / 2));
    }
  }
  return floor;
}
