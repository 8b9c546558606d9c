// Independent reference implementations of the rational-quadratic spline (Durkan et al. 2019) for
// tests: one in float64 JavaScript for values, one in plain tf ops (per-bin loops, autodiff) for
// checking the hand-written gradients of src/bijectors/monotonic/rqSplineDispatch.ts.
import * as tf from '@tensorflow/tfjs';
import type { SplineSpec } from '../../src/bijectors/monotonic/rqSplineSpec.js';
import { stopGradient } from '../../src/numerics.js';

/** Minimum bin fraction: the flattest bin (minimum height over the widest width) has slope minSlope. */
const minFraction = (spec: SplineSpec) => spec.minSlope / (1 + (spec.bins - 1) * spec.minSlope);
/** Knot derivative: log d soft-clipped to (log minDerivative, -log minDerivative). */
const boundedDerivative = (r: number, spec: SplineSpec) => Math.exp(r / (1 + Math.abs(r) / -Math.log(spec.minDerivative)));

export interface RefKnots {
  xs: number[];
  ys: number[];
  ds: number[];
}

/** Knots (K + 1 each) of one spline from its P raw parameters, in float64. */
export function refKnots(raw: number[], spec: SplineSpec): RefKnots {
  const { bins: K, bound: B } = spec;
  const cumulative = (r: number[], min: number) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const z = e.reduce((a, b) => a + b, 0);
    const out = [-B];
    for (const v of e) out.push(out[out.length - 1] + 2 * B * (min + (1 - K * min) * (v / z)));
    return out;
  };
  const d = (r: number) => boundedDerivative(r, spec);
  const rawD = raw.slice(2 * K);
  const ds = spec.tails === 'linear' ? rawD.map(d) : [1, ...rawD.map(d), 1];
  const m = minFraction(spec);
  return { xs: cumulative(raw.slice(0, K), m), ys: cumulative(raw.slice(K, 2 * K), m), ds };
}

function bin(knots: number[], v: number): number {
  let j = 0;
  while (j < knots.length - 2 && v > knots[j + 1]) j++;
  return j;
}

/** y = T(x) and log T'(x) in float64. */
export function refForward(raw: number[], x: number, spec: SplineSpec): { y: number; logDeriv: number } {
  const { xs, ys, ds } = refKnots(raw, spec);
  const K = spec.bins;
  const B = spec.bound;
  if (x < -B) return { y: -B + ds[0] * (x + B), logDeriv: Math.log(ds[0]) };
  if (x > B) return { y: ys[K] + ds[K] * (x - B), logDeriv: Math.log(ds[K]) };
  const k = bin(xs, x);
  const w = xs[k + 1] - xs[k];
  const h = ys[k + 1] - ys[k];
  const s = h / w;
  const t = (x - xs[k]) / w;
  const q = t * (1 - t);
  const den = s + (ds[k] + ds[k + 1] - 2 * s) * q;
  const y = ys[k] + (h * (s * t * t + ds[k] * q)) / den;
  const n = ds[k + 1] * t * t + 2 * s * q + ds[k] * (1 - t) ** 2;
  return { y, logDeriv: Math.log((s * s * n) / (den * den)) };
}

/** x = T^{-1}(y) in float64, by bisection on the reference forward (independent of the quadratic). */
export function refInverse(raw: number[], y: number, spec: SplineSpec): number {
  const B = spec.bound;
  const { ys, ds } = refKnots(raw, spec);
  if (y < -B) return -B + (y + B) / ds[0];
  if (y > ys[spec.bins]) return B + (y - ys[spec.bins]) / ds[spec.bins];
  let lo = -B;
  let hi = B;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (refForward(raw, mid, spec).y < y) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The spline in plain differentiable tf ops with per-bin loops ([batch, dim] tensors per bin),
 * forward or inverse; returns [out, logAbsDet]. Same bin and tail conventions as the kernel.
 */
export function tfReference(v: tf.Tensor2D, params: tf.Tensor3D, spec: SplineSpec, inverse: boolean): [tf.Tensor2D, tf.Tensor2D] {
  const [b, , d] = params.shape;
  const { bins: K, bound: B } = spec;
  const p = (k: number) => tf.reshape(tf.slice(params, [0, k, 0], [b, 1, d]), [b, d]);
  const sizes = (offset: number, min: number) => {
    const raw = Array.from({ length: K }, (_, k) => p(offset + k));
    const m = raw.reduce((a, r) => tf.maximum(a, r));
    const e = raw.map((r) => tf.exp(tf.sub(r, m)));
    const z = tf.addN(e);
    return e.map((ek) => tf.add(2 * B * min, tf.mul(2 * B * (1 - K * min), tf.div(ek, z))));
  };
  const knots = (s: tf.Tensor[]) => s.reduce<tf.Tensor[]>((acc, w) => [...acc, tf.add(acc[acc.length - 1], w)], [tf.fill([b, d], -B)]);
  const wS = sizes(0, minFraction(spec));
  const hS = sizes(K, minFraction(spec));
  const xK = knots(wS);
  const yK = knots(hS);
  const L = -Math.log(spec.minDerivative);
  const f = (r: tf.Tensor) => tf.exp(tf.div(r, tf.add(1, tf.div(tf.abs(r), L))));
  const one = tf.onesLike(v);
  const dK =
    spec.tails === 'linear'
      ? Array.from({ length: K + 1 }, (_, k) => f(p(2 * K + k)))
      : [one, ...Array.from({ length: K - 1 }, (_, k) => f(p(2 * K + k))), one];
  const vc = tf.clipByValue(v, -B, B);
  const e = tf.sub(v, vc);
  const search = inverse ? yK : xK;
  // mask_k = [v > k_k] - [v > k_{k+1}] with the first forced on and the last off.
  const above = search.map((kn, k) => (k === 0 ? one : k === K ? tf.zerosLike(v) : tf.step(tf.sub(vc, kn))));
  const pick = (q: tf.Tensor[], shift = 0) => tf.addN(Array.from({ length: K }, (_, k) => tf.mul(tf.sub(above[k], above[k + 1]), q[k + shift])));
  const xk = pick(xK);
  const yk = pick(yK);
  const wk = tf.sub(pick(xK, 1), xk);
  const hk = tf.sub(pick(yK, 1), yk);
  const dk = pick(dK);
  const dk1 = pick(dK, 1);
  const s = tf.div(hk, wk);
  const c2 = tf.sub(tf.add(dk, dk1), tf.mul(2, s));
  let theta: tf.Tensor;
  if (!inverse) theta = tf.div(tf.sub(vc, xk), wk);
  else {
    const dy = tf.sub(vc, yk);
    const a = tf.add(tf.mul(hk, tf.sub(s, dk)), tf.mul(dy, c2));
    const bq = tf.sub(tf.mul(hk, dk), tf.mul(dy, c2));
    theta = tf.div(tf.mul(2, tf.mul(s, dy)), tf.add(bq, tf.sqrt(tf.add(tf.square(bq), tf.mul(4, tf.mul(a, tf.mul(s, dy)))))));
  }
  // Exactly 0 / 1 in the tails (as the kernel does). Inside, theta is clamped to [0, 1] against
  // rounding with the derivative passed straight through: on a knot (where saturated bins put
  // inputs drawn near 0 exactly) a rounded theta of 1 + 1e-7 would otherwise get a zero gradient
  // from the clip, while the map's derivative there is the bin formula's.
  const inside = tf.sub(1, tf.step(tf.abs(e)));
  const clamped = tf.add(theta, stopGradient(tf.sub(tf.clipByValue(theta, 0, 1), theta)));
  theta = tf.add(tf.mul(inside, clamped), tf.mul(tf.sub(1, inside), tf.step(e)));
  const q = tf.mul(theta, tf.sub(1, theta));
  const den = tf.add(s, tf.mul(c2, q));
  const n = tf.add(tf.add(tf.mul(dk1, tf.square(theta)), tf.mul(tf.mul(2, s), q)), tf.mul(dk, tf.square(tf.sub(1, theta))));
  const logDeriv = tf.log(tf.div(tf.mul(tf.square(s), n), tf.square(den)));
  const slope = tf.add(dk, tf.mul(theta, tf.sub(dk1, dk)));
  if (!inverse) {
    const y = tf.add(tf.add(yk, tf.div(tf.mul(hk, tf.add(tf.mul(s, tf.square(theta)), tf.mul(dk, q))), den)), tf.mul(slope, e));
    return [y as tf.Tensor2D, logDeriv as tf.Tensor2D];
  }
  const x = tf.add(tf.add(xk, tf.mul(theta, wk)), tf.div(e, slope));
  return [x as tf.Tensor2D, tf.neg(logDeriv) as tf.Tensor2D];
}
