/**
 * Float32-accurate pieces shared by the elementwise bijectors that squash R onto an interval
 * (Sigmoid, Logit, Tanh, Box) or onto (0, inf) (Softplus).
 *
 * Why not the plain ops: on the wasm backend `tf.log1p(u)` is computed as log(1 + u), which loses
 * all relative precision for |u| below about 1e-7 (log1p(1e-7) returns 1.19e-7, log1p(1e-30)
 * returns 0), and `sigmoid(x)` rounds to 1 for x > 17, so 1 - sigmoid(x) is 0 there.
 */
import * as tf from '@tensorflow/tfjs';
import { logSigmoid } from '../../numerics.js';

/** Re-exported from numerics.ts, where the stable forms live. */
export { log1p as log1pAccurate } from '../../numerics.js';

/** The float32 number next to v in the direction of `toward` (v itself rounded to float32 first). */
export function nextFloat32(v: number, toward: number): number {
  const f = new Float32Array([v]);
  if (f[0] === toward) return f[0];
  const bits = new Int32Array(f.buffer);
  if (f[0] === 0) {
    // Skip the denormals, which some kernels flush to zero: the smallest normal float32.
    return toward > 0 ? 2 ** -126 : -(2 ** -126);
  }
  bits[0] += (toward > f[0]) === (f[0] > 0) ? 1 : -1;
  return f[0];
}

/**
 * Constant tensors of an open interval (low, high), scalars or one per column, and the float32
 * numbers just inside it, used to keep squashed values strictly inside the interval.
 */
export class Interval {
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;
  readonly width: tf.Tensor;
  readonly logWidth: tf.Tensor;
  readonly lowInside: tf.Tensor;
  readonly highInside: tf.Tensor;

  constructor(low: number | number[], high: number | number[]) {
    const lows = Array.isArray(low) ? low : [low];
    const highs = Array.isArray(high) ? high : [high];
    const make = (values: number[]) => tf.keep(Array.isArray(low) ? tf.tensor1d(values) : tf.scalar(values[0]));
    this.low = make(lows);
    this.high = make(highs);
    this.width = make(lows.map((l, i) => highs[i] - l));
    this.logWidth = make(lows.map((l, i) => Math.log(highs[i] - l)));
    this.lowInside = make(lows.map((l, i) => nextFloat32(l, highs[i])));
    this.highInside = make(highs.map((h, i) => nextFloat32(h, lows[i])));
  }

  dispose(): void {
    tf.dispose([this.low, this.high, this.width, this.logWidth, this.lowInside, this.highInside]);
  }
}

/**
 * y = low + (high - low) sigmoid(x), computed from the nearer bound (high - (high - low)
 * sigmoid(-x) for x > 0), so that y - low and high - y keep their relative precision, then
 * clamped to the float32 numbers strictly inside (low, high): where float32 cannot tell y from a
 * bound (|x| beyond about 17 for bounds of order one) the output is the nearest number inside,
 * so that it always has a finite inverse and log-density.
 */
export function squash(x: tf.Tensor, interval: Interval): tf.Tensor {
  return tf.tidy(() => {
    const upper = tf.step(x);
    const fromLow = tf.add(interval.low, tf.mul(interval.width, tf.sigmoid(x)));
    const fromHigh = tf.sub(interval.high, tf.mul(interval.width, tf.sigmoid(tf.neg(x))));
    const y = tf.add(tf.mul(upper, fromHigh), tf.mul(tf.sub(1, upper), fromLow));
    return tf.minimum(tf.maximum(y, interval.lowInside), interval.highInside);
  });
}

/** log dy/dx of {@link squash}: log(high - low) + log sigmoid(x) + log sigmoid(-x), stable for any x. */
export function squashLogDerivative(x: tf.Tensor, interval: Interval): tf.Tensor {
  return tf.tidy(() => tf.add(interval.logWidth, tf.add(logSigmoid(x), logSigmoid(tf.neg(x)))));
}

/** The inverse of {@link squash}: x = log(y - low) - log(high - y), exact near both bounds. */
export function unsquash(y: tf.Tensor, interval: Interval): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.log(tf.sub(y, interval.low)), tf.log(tf.sub(interval.high, y))));
}

/** log dx/dy of {@link unsquash}: log(high - low) - log(y - low) - log(high - y). */
export function unsquashLogDerivative(y: tf.Tensor, interval: Interval): tf.Tensor {
  return tf.tidy(() =>
    tf.sub(tf.sub(interval.logWidth, tf.log(tf.sub(y, interval.low))), tf.log(tf.sub(interval.high, y))),
  );
}

/** The squashing map R → interval with its log-det: Box and Sigmoid forward, Logit inverse. */
export function squashWithLogDet(x: tf.Tensor2D, interval: Interval): { out: tf.Tensor2D; logDet: tf.Tensor1D } {
  return { out: squash(x, interval) as tf.Tensor2D, logDet: tf.sum(squashLogDerivative(x, interval), 1) as tf.Tensor1D };
}

/** The unsquashing map interval → R with its log-det: Box and Sigmoid inverse, Logit forward. */
export function unsquashWithLogDet(y: tf.Tensor2D, interval: Interval): { out: tf.Tensor2D; logDet: tf.Tensor1D } {
  return { out: unsquash(y, interval) as tf.Tensor2D, logDet: tf.sum(unsquashLogDerivative(y, interval), 1) as tf.Tensor1D };
}
