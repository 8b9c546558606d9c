/**
 * The rational-quadratic bin formula of Durkan, Bekasov, Murray & Papamakarios (2019, "Neural
 * Spline Flows", eqs. 4 and 5) and its hand-written gradients, elementwise on [N] tensors.
 *
 * In a bin with left knot (x_k, y_k), width w, height h, slope s = h / w, knot derivatives d_k,
 * d_{k+1}, theta = (x - x_k) / w, q = theta (1 - theta) and c2 = d_k + d_{k+1} - 2s:
 *
 *   A   = s theta^2 + d_k q,             y = y_k + h A / den,
 *   den = s + c2 q,                      l = log dy/dx = 2 log s + log Nn - 2 log den,
 *   Nn  = d_{k+1} theta^2 + 2 s q + d_k (1 - theta)^2,
 *
 * and outside [-B, B] the value continues linearly, y += slope (x - x_c), with slope d_k at
 * theta = 0 and d_{k+1} at theta = 1.
 *
 * Gradients (adjoint form). For L = sum(gy y + gl l), the partials through A, den and Nn are
 *   alpha = dL/dA = gy h / den,  beta = dL/dden = -(alpha A + 2 gl) / den,  gamma = dL/dNn = gl / Nn,
 * and with dA = theta^2 ds + q dd_k + (2 s theta + d_k (1 - 2 theta)) dtheta,
 *   dden = (1 - 2q) ds + q (dd_k + dd_{k+1}) + c2 (1 - 2 theta) dtheta,
 *   dNn = 2q ds + (1 - theta)^2 dd_k + theta^2 dd_{k+1} + 2 (d_{k+1} theta + s (1 - 2 theta) - d_k (1 - theta)) dtheta,
 * plus dL/ds += 2 gl / s and dL/dh += gy A / den; theta = (x - x_k)/w and s = h/w chain them to the
 * knots. (Checked against autodiff of a plain-op version in test/bijectors/spline.test.ts.)
 */
import * as tf from '@tensorflow/tfjs';

type T = tf.Tensor1D;
const { add, sub, mul, div, square, neg } = tf;

/** The selected bin, each [N]. */
export interface Bin {
  xk: T;
  yk: T;
  wk: T;
  hk: T;
  dk: T;
  dk1: T;
}

/** Shared terms of the bin formula at theta. */
export function binTerms(bin: Bin, theta: T) {
  const s = div(bin.hk, bin.wk) as T;
  const om = sub(1, theta) as T;
  const q = mul(theta, om) as T;
  const theta2 = square(theta) as T;
  const c2 = sub(add(bin.dk, bin.dk1), mul(2, s)) as T;
  const den = add(s, mul(c2, q)) as T;
  const A = add(mul(s, theta2), mul(bin.dk, q)) as T;
  const Nn = add(add(mul(bin.dk1, theta2), mul(mul(2, s), q)), mul(bin.dk, square(om))) as T;
  return { theta, s, om, q, theta2, c2, den, A, Nn };
}

export type BinTerms = ReturnType<typeof binTerms>;

/** The spline value y_k + h A / den (inside [-B, B]). */
export function binValue(bin: Bin, t: BinTerms): T {
  return add(bin.yk, div(mul(bin.hk, t.A), t.den)) as T;
}

/** log dy/dx = log(Nn (s / den)^2). */
export function logDerivative(t: BinTerms): T {
  return tf.log(mul(t.Nn, square(div(t.s, t.den)))) as T;
}

/** The tail slope: d_k at theta = 0, d_{k+1} at theta = 1 (theta is exactly 0 or 1 in the tails). */
export function tailSlope(bin: Bin, theta: T): T {
  return add(bin.dk, mul(theta, sub(bin.dk1, bin.dk))) as T;
}

/** dNn/dtheta / 2 and dden/dtheta. */
function thetaSlopes(bin: Bin, t: BinTerms) {
  const t12 = sub(1, mul(2, t.theta));
  return { t12, halfN: sub(add(mul(bin.dk1, t.theta), mul(t.s, t12)), mul(bin.dk, t.om)), den: mul(t.c2, t12) };
}

/**
 * dy/dx and dl/dx of the full map (`inside` is 1 in [-B, B], 0 outside, where theta is constant
 * and x enters only through the tail): what the inverse's implicit differentiation needs.
 */
export function sensitivities(bin: Bin, t: BinTerms, inside: T): { yx: T; lx: T } {
  const d = thetaSlopes(bin, t);
  const lTheta = sub(div(mul(2, d.halfN), t.Nn), div(mul(2, d.den), t.den));
  const inner = mul(t.Nn, square(div(t.s, t.den)));
  return {
    yx: add(mul(inner, inside), mul(tailSlope(bin, t.theta), sub(1, inside))) as T,
    lx: mul(div(lTheta, bin.wk), inside) as T,
  };
}

/**
 * Gradients of L = sum(gy y + gl l) with respect to x and to the bin quantities, at a fixed bin
 * selection; e = x - x_c is the tail length (0 inside), theta's path is cut outside.
 */
export function binGradients(bin: Bin, t: BinTerms, e: T, inside: T, gy: T, gl: T) {
  const { s, theta, om, q, theta2, den, A, Nn } = t;
  const d = thetaSlopes(bin, t);
  const alpha = div(mul(gy, bin.hk), den);
  const beta = neg(div(add(mul(alpha, A), mul(2, gl)), den));
  const gamma = div(gl, Nn);
  const twoGamma = mul(2, gamma);
  const ge = mul(gy, e);
  const dAdTheta = add(mul(mul(2, s), theta), mul(bin.dk, d.t12));
  const gTheta = mul(add(add(mul(alpha, dAdTheta), mul(beta, d.den)), mul(twoGamma, d.halfN)), inside);
  const gS = add(add(mul(alpha, theta2), mul(beta, sub(1, mul(2, q)))), add(mul(twoGamma, q), div(mul(2, gl), s)));
  const gxk = neg(div(gTheta, bin.wk)) as T;
  return {
    gxk,
    gwk: neg(div(add(mul(gTheta, theta), mul(gS, s)), bin.wk)) as T,
    gyk: gy,
    ghk: add(div(gS, bin.wk), div(mul(gy, A), den)) as T,
    gdk: add(add(mul(add(alpha, beta), q), mul(gamma, square(om))), mul(ge, om)) as T,
    gdk1: add(add(mul(beta, q), mul(gamma, theta2)), mul(ge, theta)) as T,
    gx: add(neg(gxk), mul(mul(gy, tailSlope(bin, theta)), sub(1, inside))) as T,
  };
}

export type BinGradients = ReturnType<typeof binGradients>;
