/**
 * The monotonic rational-quadratic spline (Durkan, Bekasov, Murray & Papamakarios 2019, "Neural
 * Spline Flows", section 3.1 and appendix A) in tensor ops, forward and inverse from raw
 * parameters [batch, P, dim], with hand-written backward passes (`rqSplineCalculus.ts`,
 * `rqSplineParamLayout.ts`). `rqSplineDispatch.ts` wraps them in custom-gradient ops and uses them on GPU
 * backends, where reading tensors back to JavaScript would stall (elsewhere `rqSplineJs.ts`).
 *
 * Bins without gather (broken with batchDims and not differentiable on wasm): with left knots
 * k_0 = -B < k_1 < ... < k_{K-1}, the bin index of v in [-B, B] is idx = sum_{j>=1} step(v - k_j)
 * (tf.step: zero gradient), so bin j holds (k_j, k_{j+1}] (bin 0 also -B), and the mask
 * oneHot(idx, K) selects the bin's knot, size and derivatives by multiply-and-sum along the bins
 * (the innermost axis).
 *
 * Tails: the formula is evaluated at v_c = clip(v, -B, B), so inputs far out cannot produce a NaN
 * that a mask would keep (NaN * 0 = NaN); outside, theta is set to exactly 0 or 1 (the last knot
 * is B and the quadratic root 1 only to rounding, which the tail length would amplify) and the map
 * continues linearly with the boundary derivative as slope: y = T(x_c) + d_b (x - x_c), whose
 * log-derivative log d_b is what the formula gives at theta in {0, 1}.
 *
 * The inverse solves a theta^2 + b theta + c = 0 with the stable root of the paper,
 * theta = 2c / (-b - sqrt(b^2 - 4ac)), a = h (s - d_k) + dy c2, b = h d_k - dy c2, c = -s dy,
 * dy = y - y_k, c2 = d_k + d_{k+1} - 2s. Its gradient follows from implicit differentiation of
 * T(x(y, p), p) = y: dx/dy = 1 / T'(x), dx/dp = -(dT/dp) / T'(x).
 */
import * as tf from '@tensorflow/tfjs';
import { binGradients, binTerms, binValue, logDerivative, sensitivities, tailSlope, type Bin, type BinGradients } from './rqSplineCalculus.js';
import { splineRows, splineRowsGradient, type SplineRows } from './rqSplineParamLayout.js';
import { logDerivativeBound, type KernelResult, type SplineSpec } from './rqSplineSpec.js';

type T = tf.Tensor1D;
type Save = (tensors: tf.Tensor[]) => void;
const { add, sub, mul, div, square } = tf;

/**
 * One-hot float mask of int32 indices along a new last axis of length `depth`; an index outside
 * [0, depth) gives a zero row. (tf.oneHot must be int32 here: with dtype float32 it returns zeros
 * on wasm; and a broadcast `equal` instead costs about 1 ms on wasm.)
 */
function oneHot(indices: tf.Tensor, depth: number): tf.Tensor {
  if (depth >= 2) return tf.cast(tf.oneHot(indices as tf.Tensor1D, depth), 'float32');
  return tf.expandDims(tf.cast(tf.equal(indices, tf.zerosLike(indices)), 'float32'), -1);
}

/** Bin index [N] (int32) and mask [N, K] of v (clamped, [N]) against the left knots of a channel (0: x, 1: y). */
function locate(v: T, rows: SplineRows, channel: number): { idx: tf.Tensor1D; mask: tf.Tensor2D } {
  const [, N, K] = rows.left.shape;
  const left = tf.reshape(tf.slice(rows.left, [channel, 0, 0], [1, N, K]), [N, K]);
  // The number of left knots below v, minus one; v = -B = k_0 exactly counts none, hence the relu.
  const count = tf.sum(tf.step(sub(tf.reshape(v, [N, 1]), left)), 1);
  const idx = tf.cast(tf.relu(sub(count, 1)), 'int32') as tf.Tensor1D;
  return { idx, mask: oneHot(idx, K) as tf.Tensor2D };
}

interface Selected {
  bin: Bin;
  /** One-hot masks [2, N, M] of d_k and d_{k+1} among the raw derivatives (undefined when M = 0). */
  dMask?: tf.Tensor3D;
  /** dd/draw of d_k, d_{k+1} (0 where fixed): [2, N]. */
  dSlope?: tf.Tensor2D;
}

/**
 * The bin's knot, size and derivatives. Derivatives d = exp(r / (1 + |r| / L)) (`rqSplineSpec.ts`)
 * are computed for the two selected raw values r only; with identity tails d_0 = d_K = 1 exactly.
 */
function select(rows: SplineRows, idx: tf.Tensor1D, mask: tf.Tensor2D, spec: SplineSpec): Selected {
  const [xk, yk] = tf.unstack(tf.sum(mul(rows.left, mask), 2)) as T[];
  const [wk, hk] = tf.unstack(tf.sum(mul(rows.sizes, mask), 2)) as T[];
  const N = idx.shape[0];
  if (!rows.rawDeriv) {
    const one = tf.ones([N]) as T;
    return { bin: { xk, yk, wk, hk, dk: one, dk1: one } };
  }
  const M = rows.rawDeriv.shape[1];
  const linear = spec.tails === 'linear';
  // d_k sits at raw index idx (linear) or idx - 1 (identity: only interior knots are raw).
  const one = tf.scalar(1, 'int32');
  const first = linear ? idx : sub(idx, one);
  const dMask = oneHot(tf.stack([first, add(first, one)]), M) as tf.Tensor3D;
  const r = tf.sum(mul(dMask, rows.rawDeriv), 2);
  // a = 1 + |r| / L; d = exp(r / a), dd/dr = d / a^2.
  const a = add(1, div(tf.abs(r), logDerivativeBound(spec)));
  let d = tf.exp(div(r, a));
  let dSlope = div(d, square(a)) as tf.Tensor2D;
  if (!linear) {
    // 1 where d_k (row 0) or d_{k+1} (row 1) is learned, 0 where fixed at 1 (identity tails).
    const learned = tf.sum(dMask, 2);
    d = add(1, mul(learned, sub(d, 1)));
    dSlope = mul(dSlope, learned) as tf.Tensor2D;
  }
  const [dk, dk1] = tf.unstack(d) as T[];
  return { bin: { xk, yk, wk, hk, dk, dk1 }, dMask, dSlope };
}

/** theta clamped to [0, 1], and exactly 0 / 1 in the lower / upper tail (e < 0 / e > 0). */
function settleTheta(theta: tf.Tensor, e: T): T {
  return tf.maximum(tf.clipByValue(theta, 0, 1), tf.step(e)) as T;
}

/** What the backward pass needs, in a fixed order for `save` (absent ones as empty tensors). */
function saved(rows: SplineRows, mask: tf.Tensor2D, sel: Selected, theta: T, e: T): tf.Tensor[] {
  const b = sel.bin;
  const none = tf.tensor1d([]);
  return [rows.u, mask, theta, e, b.wk, b.hk, b.dk, b.dk1, sel.dMask ?? none, sel.dSlope ?? none];
}

/** The saved tensors by name, with the bin terms recomputed; inside = 1 where the tail length e is 0. */
function restore(s: tf.Tensor[]) {
  const [u, mask, theta, e, wk, hk, dk, dk1, dMask, dSlope] = s;
  const none = tf.tensor1d([]);
  const bin: Bin = { xk: none, yk: none, wk: wk as T, hk: hk as T, dk: dk as T, dk1: dk1 as T };
  const inside = sub(1, tf.step(tf.abs(e))) as T;
  return { u: u as tf.Tensor3D, mask, dMask, dSlope, bin, e: e as T, inside, terms: binTerms(bin, theta as T) };
}

/** Gradient with respect to the raw parameters, from the bin gradients. */
function paramsGradient(r: ReturnType<typeof restore>, g: BinGradients, shape: [number, number, number], spec: SplineSpec): tf.Tensor3D {
  const N = r.mask.shape[0];
  const gLeft = mul(r.mask, tf.reshape(tf.stack([g.gxk, g.gyk]), [2, N, 1])) as tf.Tensor3D;
  const gSizes = mul(r.mask, tf.reshape(tf.stack([g.gwk, g.ghk]), [2, N, 1])) as tf.Tensor3D;
  let gRawDeriv: tf.Tensor2D | undefined;
  if (r.dMask.size > 0) {
    const gr = mul(tf.stack([g.gdk, g.gdk1]), r.dSlope);
    const [a, b] = tf.unstack(mul(r.dMask, tf.reshape(gr, [2, N, 1])));
    gRawDeriv = add(a, b) as tf.Tensor2D;
  }
  return splineRowsGradient(r.u, gSizes, gLeft, gRawDeriv, shape, spec);
}

/** Forward: y = T(x) and log T'(x), packed as [2, batch, dim], with the backward pass. */
export function opsForward(xIn: tf.Tensor2D, p: tf.Tensor3D, spec: SplineSpec, save: Save): KernelResult {
  const [B, D] = xIn.shape;
  const xv = tf.reshape(xIn, [B * D]) as T;
  const xc = tf.clipByValue(xv, -spec.bound, spec.bound) as T;
  const e = sub(xv, xc) as T;
  const rows = splineRows(p, spec);
  const { idx, mask } = locate(xc, rows, 0);
  const sel = select(rows, idx, mask, spec);
  const { bin } = sel;
  const theta = settleTheta(div(sub(xc, bin.xk), bin.wk), e);
  const t = binTerms(bin, theta);
  const y = add(binValue(bin, t), mul(tailSlope(bin, theta), e));
  save(saved(rows, mask, sel, theta, e));
  return {
    value: tf.reshape(tf.stack([y, logDerivative(t)]), [2, B, D]),
    gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => {
      const [gy, gl] = tf.unstack(tf.reshape(dy, [2, B * D])) as T[];
      const r = restore(s);
      const g = binGradients(r.bin, r.terms, r.e, r.inside, gy, gl);
      return [tf.reshape(g.gx, [B, D]), paramsGradient(r, g, p.shape, spec)];
    },
  };
}

/** Inverse: x = T^{-1}(y) and log dT^{-1}/dy, packed as [2, batch, dim], with the backward pass. */
export function opsInverse(yIn: tf.Tensor2D, p: tf.Tensor3D, spec: SplineSpec, save: Save): KernelResult {
  const [B, D] = yIn.shape;
  const yv = tf.reshape(yIn, [B * D]) as T;
  const yc = tf.clipByValue(yv, -spec.bound, spec.bound) as T;
  const e = sub(yv, yc) as T;
  const rows = splineRows(p, spec);
  const { idx, mask } = locate(yc, rows, 1);
  const sel = select(rows, idx, mask, spec);
  const { bin } = sel;
  const s = div(bin.hk, bin.wk);
  const dy = sub(yc, bin.yk);
  const curv = mul(dy, sub(add(bin.dk, bin.dk1), mul(2, s)));
  const a = add(mul(bin.hk, sub(s, bin.dk)), curv);
  const b = sub(mul(bin.hk, bin.dk), curv);
  const sdy = mul(s, dy);
  // theta = 2c / (-b - sqrt(b^2 - 4ac)) with c = -s dy.
  const root = tf.sqrt(tf.relu(add(square(b), mul(4, mul(a, sdy)))));
  const theta = settleTheta(div(mul(2, sdy), add(b, root)), e);
  const t = binTerms(bin, theta);
  // The tail length in forward coordinates: x - x_c = e / slope (0 inside).
  const ex = div(e, tailSlope(bin, theta)) as T;
  const x = add(add(bin.xk, mul(theta, bin.wk)), ex);
  save(saved(rows, mask, sel, theta, ex));
  return {
    value: tf.reshape(tf.stack([x, tf.neg(logDerivative(t))]), [2, B, D]),
    gradFunc: (dOut: tf.Tensor, s: tf.Tensor[]) => {
      const [gx, gm] = tf.unstack(tf.reshape(dOut, [2, B * D])) as T[];
      // L = gx x + gm (-l(x, p)): with v = (gx - gm dl/dx) / T'(x), dL/dy = v and
      // dL/dp = -v dT/dp - gm dl/dp, i.e. the forward gradients with gy = -v, gl = -gm.
      const r = restore(s);
      const { yx, lx } = sensitivities(r.bin, r.terms, r.inside);
      const v = div(sub(gx, mul(gm, lx)), yx) as T;
      const g = binGradients(r.bin, r.terms, r.e, r.inside, tf.neg(v) as T, tf.neg(gm) as T);
      return [tf.reshape(v, [B, D]), paramsGradient(r, g, p.shape, spec)];
    },
  };
}
