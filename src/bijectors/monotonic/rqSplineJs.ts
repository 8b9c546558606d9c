/**
 * The rational-quadratic spline (Durkan, Bekasov, Murray & Papamakarios 2019, "Neural Spline
 * Flows") evaluated element by element in JavaScript, in float64, for backends whose memory
 * JavaScript reads cheaply (wasm, cpu, tfjs-node). Same maps, conventions and hand-written
 * gradients as the tensor-op version (`rqSplineOps.ts`, formulas in `rqSplineCalculus.ts`), in one
 * pass over the elements instead of about 280 kernel launches per call with its gradient (on wasm
 * the launches, not the arithmetic, dominated). What remains is mostly the softmax's exp (2K per
 * element, about 30 ns each in V8).
 *
 * Per element (row b, dimension i, raw parameters p[b, k, i]): the softmax widths and heights and
 * their left knots (cumulative sums from -B), the bin of the clamped input (bins (k_j, k_{j+1}],
 * bin 0 also holding -B), the bin formula, and the linear tails with theta exactly 0 or 1. The
 * forward pass keeps what the backward needs (softmax probabilities, bin, theta, tail length,
 * derivatives) in typed arrays, so that the backward is arithmetic only: the adjoint-form bin
 * gradients chained through the knots (dleft_j/dsize_i = 1 for i < j), the softmax
 * (u (g - sum(g u))) and the bounded derivative map (`knotDerivative`).
 */
import * as tf from '@tensorflow/tfjs';
import { readValues } from '../../backend/memory.js';
import { knotDerivative, logDerivativeBound, minBinFraction, type KernelResult, type SplineSpec } from './rqSplineSpec.js';

/** Per-element state of one call, kept from the forward pass for the backward pass. */
class Splines {
  readonly K: number;
  readonly N: number;
  /** softmax probabilities: element n's widths at [n 2K, n 2K + K), heights after them. */
  readonly u: Float64Array;
  readonly bin: Int32Array;
  /** theta, tail length e = x - x_c (forward coordinates), d_k, d_{k+1}, and dd/draw of both. */
  readonly theta: Float64Array;
  readonly e: Float64Array;
  readonly dk: Float64Array;
  readonly dk1: Float64Array;
  readonly sk: Float64Array;
  readonly sk1: Float64Array;
  /** Minimum bin fraction m and the bound L of log d (`rqSplineSpec.ts`). */
  private readonly minBin: number;
  private readonly logDerivBound: number;

  constructor(readonly spec: SplineSpec, readonly B: number, readonly P: number, readonly D: number) {
    this.K = spec.bins;
    this.N = B * D;
    this.u = new Float64Array(this.N * 2 * this.K);
    this.bin = new Int32Array(this.N);
    this.theta = new Float64Array(this.N);
    this.e = new Float64Array(this.N);
    this.dk = new Float64Array(this.N);
    this.dk1 = new Float64Array(this.N);
    this.sk = new Float64Array(this.N);
    this.sk1 = new Float64Array(this.N);
    this.minBin = minBinFraction(spec);
    this.logDerivBound = logDerivativeBound(spec);
  }

  /** Offset of element n's parameter 0 in p [batch, P, dim]; parameter k is at + k D. */
  base(n: number): number {
    return Math.floor(n / this.D) * this.P * this.D + (n % this.D);
  }

  /** Softmax probabilities of element n from its raw parameters. */
  softmax(p: ArrayLike<number>, n: number): void {
    const { K, D } = this;
    const base = this.base(n);
    for (let c = 0; c < 2; c++) {
      const at = n * 2 * K + c * K;
      let m = -Infinity;
      for (let j = 0; j < K; j++) m = Math.max(m, p[base + (c * K + j) * D]);
      let z = 0;
      for (let j = 0; j < K; j++) z += this.u[at + j] = Math.exp(p[base + (c * K + j) * D] - m);
      for (let j = 0; j < K; j++) this.u[at + j] /= z;
    }
  }

  /** Size of bin j of channel c (0: widths, 1: heights) of element n. */
  size(n: number, c: number, j: number): number {
    const m = this.minBin;
    return 2 * this.spec.bound * (m + (1 - this.K * m) * this.u[n * 2 * this.K + c * this.K + j]);
  }

  /** Left knot of bin j of channel c: -B + sum_{i<j} size_i. */
  left(n: number, c: number, j: number): number {
    let acc = -this.spec.bound;
    for (let i = 0; i < j; i++) acc += this.size(n, c, i);
    return acc;
  }

  /** Raw index of knot j's derivative, or -1 when it is fixed at 1 (identity tails at +-B). */
  rawIndex(j: number): number {
    if (this.spec.tails === 'linear') return 2 * this.K + j;
    return j === 0 || j === this.K ? -1 : 2 * this.K + j - 1;
  }

  /**
   * Bin of v in channel c (x-knots 0, y-knots 1) for element n, with its derivatives; sets the
   * tail length e = v - v_c and returns v_c and the bin's left knot.
   */
  locate(p: ArrayLike<number>, n: number, v: number, c: number): [number, number] {
    const B = this.spec.bound;
    const vc = Math.min(Math.max(v, -B), B);
    // Bin k holds (left_k, left_{k+1}]; left_{k+1} = left_k + size_k, summed in the order of left().
    let k = 0;
    let left = -B;
    let next = left + this.size(n, c, 0);
    while (k + 1 < this.K && vc > next) {
      k++;
      left = next;
      next = left + this.size(n, c, k);
    }
    this.bin[n] = k;
    this.e[n] = v - vc;
    this.derivative(p, n, k, this.dk, this.sk);
    this.derivative(p, n, k + 1, this.dk1, this.sk1);
    return [vc, left];
  }

  /** The bounded derivative d of knot j into d[n], and dd/draw into slope[n] (`knotDerivative`). */
  private derivative(p: ArrayLike<number>, n: number, j: number, d: Float64Array, slope: Float64Array): void {
    const r = this.rawIndex(j);
    if (r < 0) {
      d[n] = 1;
      slope[n] = 0;
      return;
    }
    [d[n], slope[n]] = knotDerivative(p[this.base(n) + r * this.D], this.logDerivBound);
  }

  /** theta clamped to [0, 1], exactly 0 / 1 in the lower / upper tail; stored for element n. */
  settle(n: number, theta: number): number {
    const e = this.e[n];
    return (this.theta[n] = e > 0 ? 1 : e < 0 ? 0 : Math.min(Math.max(theta, 0), 1));
  }

  /** The bin formula's terms for element n at its stored theta. */
  terms(n: number) {
    const k = this.bin[n];
    const theta = this.theta[n];
    const dk = this.dk[n];
    const dk1 = this.dk1[n];
    const wk = this.size(n, 0, k);
    const hk = this.size(n, 1, k);
    const s = hk / wk;
    const om = 1 - theta;
    const q = theta * om;
    const c2 = dk + dk1 - 2 * s;
    const den = s + c2 * q;
    const A = s * theta * theta + dk * q;
    const Nn = dk1 * theta * theta + 2 * s * q + dk * om * om;
    return { k, theta, dk, dk1, wk, hk, s, om, q, c2, den, A, Nn, slope: dk + theta * (dk1 - dk), logDeriv: Math.log((Nn * s * s) / (den * den)) };
  }

  /** dy/dx and dl/dx of the forward map at element n. */
  sensitivities(n: number): [number, number] {
    const t = this.terms(n);
    if (this.e[n] !== 0) return [t.slope, 0];
    const t12 = 1 - 2 * t.theta;
    const lTheta = (2 * (t.dk1 * t.theta + t.s * t12 - t.dk * t.om)) / t.Nn - (2 * t.c2 * t12) / t.den;
    return [(t.Nn * t.s * t.s) / (t.den * t.den), lTheta / t.wk];
  }

  /**
   * Backward of L = gy y + gl l of the forward map at element n (the adjoint form of
   * `rqSplineCalculus.ts`): adds dL/draw into g (layout of p) and returns dL/dx.
   */
  backward(n: number, gy: number, gl: number, g: Float32Array): number {
    const t = this.terms(n);
    const { K, D } = this;
    const { k, theta, dk, wk, hk, s, om, q, den, A, Nn } = t;
    const e = this.e[n];
    const inside = e === 0 ? 1 : 0;
    const t12 = 1 - 2 * theta;
    const alpha = (gy * hk) / den;
    const beta = -(alpha * A + 2 * gl) / den;
    const gamma = gl / Nn;
    const halfN = t.dk1 * theta + s * t12 - dk * om;
    const gTheta = inside * (alpha * (2 * s * theta + dk * t12) + beta * t.c2 * t12 + 2 * gamma * halfN);
    const gS = alpha * theta * theta + beta * (1 - 2 * q) + 2 * gamma * q + (2 * gl) / s;
    const gxk = -gTheta / wk;
    const base = this.base(n);
    // Left knots take the knot gradient for every bin below k; bin k's size takes the size gradient.
    for (let c = 0; c < 2; c++) {
      const gLeft = c === 0 ? gxk : gy;
      const gSize = c === 0 ? -(gTheta * theta + gS * s) / wk : gS / wk + (gy * A) / den;
      const scale = 2 * this.spec.bound * (1 - K * this.minBin);
      const at = n * 2 * K + c * K;
      let dot = 0;
      for (let j = 0; j < k; j++) dot += this.u[at + j] * gLeft;
      dot += this.u[at + k] * gSize;
      for (let j = 0; j < K; j++) {
        const gu = j < k ? gLeft : j === k ? gSize : 0;
        g[base + (c * K + j) * D] += scale * this.u[at + j] * (gu - dot);
      }
    }
    const r0 = this.rawIndex(k);
    const r1 = this.rawIndex(k + 1);
    if (r0 >= 0) g[base + r0 * D] += ((alpha + beta) * q + gamma * om * om + gy * e * om) * this.sk[n];
    if (r1 >= 0) g[base + r1 * D] += (beta * q + gamma * theta * theta + gy * e * theta) * this.sk1[n];
    return -gxk + gy * t.slope * (1 - inside);
  }
}

/** Forward: y = T(x) and log T'(x). */
export function jsForward(x: tf.Tensor2D, params: tf.Tensor3D, spec: SplineSpec, _save?: unknown, onlyDim?: number): KernelResult {
  const [B, D] = x.shape;
  const P = params.shape[1];
  const st = new Splines(spec, B, P, D);
  const xs = readValues(x);
  const ps = readValues(params);
  const out = new Float32Array(2 * st.N);
  // Columns other than onlyDim pass through: y = x, log-derivative 0, gradient identity.
  const skip = (n: number): boolean => onlyDim !== undefined && n % D !== onlyDim;
  for (let n = 0; n < st.N; n++) {
    if (skip(n)) {
      out[n] = xs[n];
      continue;
    }
    st.softmax(ps, n);
    const [xc, xk] = st.locate(ps, n, xs[n], 0);
    st.settle(n, (xc - xk) / st.size(n, 0, st.bin[n]));
    const t = st.terms(n);
    out[n] = st.left(n, 1, t.k) + (t.hk * t.A) / t.den + t.slope * st.e[n];
    out[st.N + n] = t.logDeriv;
  }
  return {
    value: tf.tensor3d(out, [2, B, D]),
    gradFunc: (dy) => {
      const g = readValues(dy);
      const gx = new Float32Array(st.N);
      const gp = new Float32Array(B * P * D);
      for (let n = 0; n < st.N; n++) gx[n] = skip(n) ? g[n] : st.backward(n, g[n], g[st.N + n], gp);
      return [tf.tensor2d(gx, [B, D]), tf.tensor3d(gp, [B, P, D])];
    },
  };
}

/** Inverse: x = T^{-1}(y) and log dT^{-1}/dy (the stable quadratic root of the paper, appendix A). */
export function jsInverse(y: tf.Tensor2D, params: tf.Tensor3D, spec: SplineSpec): KernelResult {
  const [B, D] = y.shape;
  const P = params.shape[1];
  const st = new Splines(spec, B, P, D);
  const ys = readValues(y);
  const ps = readValues(params);
  const out = new Float32Array(2 * st.N);
  for (let n = 0; n < st.N; n++) {
    st.softmax(ps, n);
    const [yc, yk] = st.locate(ps, n, ys[n], 1);
    const k = st.bin[n];
    const dk = st.dk[n];
    const dk1 = st.dk1[n];
    const wk = st.size(n, 0, k);
    const hk = st.size(n, 1, k);
    const s = hk / wk;
    const dy = yc - yk;
    const curv = dy * (dk + dk1 - 2 * s);
    const a = hk * (s - dk) + curv;
    const b = hk * dk - curv;
    // theta = 2c / (-b - sqrt(b^2 - 4ac)) with c = -s dy.
    const theta = st.settle(n, (2 * s * dy) / (b + Math.sqrt(Math.max(b * b + 4 * a * s * dy, 0))));
    // The tail length in forward coordinates: x - x_c = e / slope.
    st.e[n] /= dk + theta * (dk1 - dk);
    out[n] = st.left(n, 0, k) + theta * wk + st.e[n];
    out[st.N + n] = -st.terms(n).logDeriv;
  }
  return {
    value: tf.tensor3d(out, [2, B, D]),
    gradFunc: (dOut) => {
      const g = readValues(dOut);
      const gy = new Float32Array(st.N);
      const gp = new Float32Array(B * P * D);
      for (let n = 0; n < st.N; n++) {
        // Implicit differentiation of T(x(y, p), p) = y, as in rqSplineOps.ts.
        const [yx, lx] = st.sensitivities(n);
        const v = (g[n] - g[st.N + n] * lx) / yx;
        st.backward(n, -v, -g[st.N + n], gp);
        gy[n] = v;
      }
      return [tf.tensor2d(gy, [B, D]), tf.tensor3d(gp, [B, P, D])];
    },
  };
}
