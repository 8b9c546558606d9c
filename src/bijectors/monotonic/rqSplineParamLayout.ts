/**
 * Layout of rational-quadratic spline parameters for the tensor-op implementation (`rqSplineOps.ts`),
 * and the backward map of that layout.
 *
 * Raw parameters arrive as `[batch, P, dim]` (parameter k of dimension i at [:, k, i]). The kernel
 * works on N = batch * dim rows with the bins on the last axis, where tfjs-backend-wasm is fast:
 * softmax, cumsum and sums run along the innermost axis, and no slice cuts a row into pieces of
 * `dim` floats (a non-contiguous wasm slice copies one innermost row per call in JavaScript). Two
 * slices of contiguous per-batch chunks and two transposes produce:
 *
 *   u     [2, N, K]  softmax of the raw widths (channel 0) and heights (channel 1),
 *   sizes [2, N, K]  2B (m + (1 - K m) u), m the minimum bin fraction (`minBinFraction`),
 *   left  [2, N, K]  left knots -B + sum_{i<j} sizes_i (an exclusive cumsum),
 *   raw derivatives [N, M] (M = K + 1 for linear tails, K - 1 for identity tails).
 */
import * as tf from '@tensorflow/tfjs';
import { derivativeCount, minBinFraction, type SplineSpec } from './rqSplineSpec.js';

/** The bins of N = batch * dim splines, one per row (see the file comment). */
export interface SplineRows {
  u: tf.Tensor3D;
  sizes: tf.Tensor3D;
  left: tf.Tensor3D;
  /** Raw derivative parameters [N, M]; undefined when M = 0 (one bin, identity tails). */
  rawDeriv: tf.Tensor2D | undefined;
}

/** Scale 2B(1 - K m) and floor 2B m of the bin sizes (the same for widths and heights). */
function sizeMaps(spec: SplineSpec): [number, number] {
  const { bins: K, bound: B } = spec;
  const m = minBinFraction(spec);
  return [2 * B * (1 - K * m), 2 * B * m];
}

/** Rows of bins from raw parameters [batch, P, dim]. Call inside tf.tidy. */
export function splineRows(params: tf.Tensor3D, spec: SplineSpec): SplineRows {
  const [b, P, d] = params.shape;
  const K = spec.bins;
  const M = derivativeCount(spec);
  const flat = tf.reshape(params, [b, P * d]);
  const wh = tf.reshape(tf.slice(flat, [0, 0], [b, 2 * K * d]), [b, 2, K, d]);
  const u = tf.softmax(tf.reshape(tf.transpose(wh, [1, 0, 3, 2]), [2, b * d, K])) as tf.Tensor3D;
  const [scale, floor] = sizeMaps(spec);
  const sizes = tf.add(tf.mul(u, scale), floor) as tf.Tensor3D;
  const left = tf.sub(tf.cumsum(sizes, 2, true), spec.bound) as tf.Tensor3D;
  if (M === 0) return { u, sizes, left, rawDeriv: undefined };
  const raw = tf.reshape(tf.slice(flat, [0, 2 * K * d], [b, M * d]), [b, M, d]);
  return { u, sizes, left, rawDeriv: tf.reshape(tf.transpose(raw, [0, 2, 1]), [b * d, M]) };
}

/**
 * Gradient with respect to the raw parameters [batch, P, dim], given the gradients with respect
 * to the sizes and left knots [2, N, K] (each used directly) and to the raw derivatives [N, M].
 * left_j = -B + sum_{i<j} sizes_i adds sum_{j>i} gLeft_j to size i (an exclusive reverse cumsum);
 * the softmax backward is u (g - sum(g u)).
 */
export function splineRowsGradient(
  u: tf.Tensor3D,
  gSizes: tf.Tensor3D,
  gLeft: tf.Tensor3D,
  gRawDeriv: tf.Tensor2D | undefined,
  shape: [number, number, number],
  spec: SplineSpec,
): tf.Tensor3D {
  const [b, P, d] = shape;
  const K = spec.bins;
  const [scale] = sizeMaps(spec);
  const gU = tf.mul(tf.add(gSizes, tf.cumsum(gLeft, 2, true, true)), scale);
  const gRaw = tf.mul(u, tf.sub(gU, tf.sum(tf.mul(gU, u), 2, true)));
  const gWh = tf.reshape(tf.transpose(tf.reshape(gRaw, [2, b, d, K]), [1, 0, 3, 2]), [b, 2 * K * d]);
  if (!gRawDeriv) return tf.reshape(gWh, [b, P, d]);
  const M = gRawDeriv.shape[1];
  const gD = tf.reshape(tf.transpose(tf.reshape(gRawDeriv, [b, d, M]), [0, 2, 1]), [b, M * d]);
  return tf.reshape(tf.concat([gWh, gD], 1), [b, P, d]);
}
