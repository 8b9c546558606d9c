// Property 6: the gradient of a loss through forward and inverse (and their log-dets) with
// respect to every trainable variable exists, is finite and agrees with a finite difference: the
// directional derivative along a random unit direction v in parameter space against the
// Richardson extrapolation (4 D(h/2) - D(h)) / 3 of central differences D, h = 1e-2, within
// TOLERANCES.finiteDifferenceRel plus the differences' float32 rounding (each loss carries about
// 1e-6 of the magnitude of its terms). ReLU networks and spline bins are only piecewise smooth in
// the parameters: where D(h) and D(h/2), or the one-sided differences over h/2, disagree by more
// than that tolerance, or the slopes over the stencil's four half-steps bend (their second
// differences exceed it), a kink or strong curvature lies inside the stencil, and the derivative must
// lie between the one-sided slopes over h/20 instead (at most half of the draws may need that). No
// tensor is left behind. Numerical inverses (planar, radial) contribute their forward direction
// only (the iterations are not differentiated).
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TOLERANCES } from '../../src/numerics.js';
import { Random } from '../../src/random.js';
import { catalog } from '../catalog/index.js';
import type { BijectorCase } from '../catalog/types.js';
import { assertProperty, contextFor, describeDraw, disposeAll, drawArbitrary, inputsFor, instantiate, type Draw } from '../helpers/harness.js';

const RUNS = 50;
const H = 1e-2;
/** Draws per test whose stencil held a kink (not compared), and draws with parameters. */
const tally = { kinks: 0, drawn: 0 };
/** Relative float32 rounding of one loss evaluation, in units of the magnitude of its terms. */
const LOSS_ROUNDING = 1e-6;

function check(c: BijectorCase, d: Draw): void {
  const b = instantiate(c, d);
  const vars = b.trainableVariables();
  const x = inputsFor(c.forwardDomain, d);
  const y = inputsFor(c.inverseDomain, { ...d, magnitude: d.inverseMagnitude });
  const ctx = contextFor(d);
  const where = describeDraw(c, d);
  // Fixed random weights on the outputs: the loss is linear in them (no squares to amplify rounding).
  const r = new Random(d.seed + 3);
  const wx = tf.tensor2d(Array.from({ length: x.size }, () => r.normal()), x.shape);
  const wy = tf.tensor2d(Array.from({ length: y.size }, () => r.normal()), y.shape);
  /** The loss and the magnitude of its terms (sum of mean |.| of each), for the rounding allowance. */
  const terms = (): tf.Scalar[] => {
    const f = b.forward(x, ctx);
    const parts = [tf.mean(tf.mul(f.out, wx)), tf.mean(f.logDet)];
    if (!c.numericalInverse) {
      const i = b.inverse(y, ctx);
      parts.push(tf.mean(tf.mul(i.out, wy)), tf.mean(i.logDet));
    }
    return parts as tf.Scalar[];
  };
  const lossAt = (): [number, number] =>
    tf.tidy(() => {
      const parts = terms();
      const scale = tf.tidy(() => {
        const f = b.forward(x, ctx);
        return tf.add(tf.mean(tf.abs(tf.mul(f.out, wx))), tf.mean(tf.abs(f.logDet))).dataSync()[0];
      });
      return [tf.addN(parts).dataSync()[0], scale * (c.numericalInverse ? 1 : 2)];
    });
  const baseline = tf.memory().numTensors;
  try {
    if (vars.length === 0) return;
    const { value, grads } = tf.variableGrads(() => tf.addN(terms()) as tf.Scalar, vars);
    const original = vars.map((v) => v.clone());
    try {
      expect(Number.isFinite(value.dataSync()[0]), `${where}: finite loss`).toBe(true);
      const count = vars.reduce((n, v) => n + v.size, 0);
      const direction = vars.map((v) => tf.tensor(Array.from({ length: v.size }, () => r.normal() / Math.sqrt(count)), v.shape));
      let analytic = 0;
      for (const [k, v] of vars.entries()) {
        const g = grads[v.name];
        expect(g, `${where}: no gradient for ${v.name}`).toBeDefined();
        expect(tf.tidy(() => tf.all(tf.isFinite(g)).dataSync()[0]), `${where}: non-finite gradient for ${v.name}`).toBe(1);
        analytic += tf.tidy(() => tf.sum(tf.mul(g, direction[k])).dataSync()[0]);
      }
      const at = (step: number): [number, number] => {
        vars.forEach((v, k) => tf.tidy(() => v.assign(tf.add(original[k], tf.mul(step, direction[k])))));
        return lossAt();
      };
      const [p0] = at(0);
      const [p1, s1] = at(H);
      const [m1] = at(-H);
      const [p2] = at(H / 2);
      const [m2] = at(-H / 2);
      vars.forEach((v, k) => v.assign(original[k]));
      const wide = (p1 - m1) / (2 * H);
      const narrow = (p2 - m2) / H;
      const rounding = (LOSS_ROUNDING * s1) / (H / 2);
      // Slopes over the stencil's four half-steps [-h, -h/2], [-h/2, 0], [0, h/2], [h/2, h]. A kink
      // at the centre separates left and right (where the central differences at h and h/2 would
      // both average the two sides). Kinks elsewhere in the stencil bend the sequence of slopes,
      // which a smooth loss keeps nearly linear (constant curvature, which the central differences
      // do not see, leaves the bends at 0): a ReLU draw with kinks at -0.33 h and +0.09 h had
      // D(h), D(h/2), left and right within 6% of each other, yet its extrapolation missed the
      // derivative by 10%; its bend, about 0.02, was 20% of the derivative.
      const outerLeft = (m2 - m1) / (H / 2);
      const left = (p0 - m2) / (H / 2);
      const right = (p2 - p0) / (H / 2);
      const outerRight = (p1 - p2) / (H / 2);
      const bends = [outerLeft - 2 * left + right, left - 2 * right + outerRight];
      const numeric = (4 * narrow - wide) / 3;
      const tol = TOLERANCES.finiteDifferenceRel * Math.max(Math.abs(analytic), Math.abs(numeric)) + 10 * rounding;
      const what = `${where}: directional derivative ${analytic}, finite difference ${numeric} (h: ${wide}, h/2: ${narrow}; one-sided ${left}, ${right}; outer ${outerLeft}, ${outerRight})`;
      tally.drawn++;
      if (Math.abs(left - right) <= tol && Math.abs(wide - narrow) <= tol && bends.every((b) => Math.abs(b) <= tol)) {
        expect(Math.abs(analytic - numeric), what).toBeLessThanOrEqual(tol);
      } else {
        // A kink (or strong curvature) within the stencil: the derivative on either side lies
        // between the one-sided slopes, and autodiff returns one of them.
        // The slopes over h/2 carry an O(h f'') curvature error of their own (a draw at magnitude
        // 100 had a derivative 2% outside them), so the bracket uses one-sided slopes over h/20,
        // where that error is ten times smaller and float32 rounding still far below the tolerance.
        tally.kinks++;
        const [p3] = at(H / 20);
        const [m3] = at(-H / 20);
        vars.forEach((v, k) => v.assign(original[k]));
        const rightNear = (p3 - p0) / (H / 20);
        const leftNear = (p0 - m3) / (H / 20);
        const tolNear = TOLERANCES.finiteDifferenceRel * Math.max(Math.abs(analytic), Math.abs(leftNear), Math.abs(rightNear)) + (10 * LOSS_ROUNDING * s1) / (H / 20);
        const whatNear = `${what}; one-sided over h/20 ${leftNear}, ${rightNear}`;
        expect(analytic, whatNear).toBeGreaterThanOrEqual(Math.min(leftNear, rightNear) - tolNear);
        expect(analytic, whatNear).toBeLessThanOrEqual(Math.max(leftNear, rightNear) + tolNear);
      }
      tf.dispose(direction);
    } finally {
      value.dispose();
      tf.dispose(Object.values(grads));
      tf.dispose(original);
    }
    expect(tf.memory().numTensors, `${where}: tensors left behind`).toBe(baseline);
  } finally {
    disposeAll(x, y, ctx, wx, wy);
    b.dispose();
  }
}

describe('gradients exist, are finite and agree with finite differences', () => {
  for (const c of catalog) {
    test(c.name, () => {
      tally.kinks = 0;
      tally.drawn = 0;
      assertProperty(drawArbitrary(c), (d) => check(c, d), RUNS);
      expect(tally.kinks, `${c.name}: draws with a kink or strong curvature in the finite-difference stencil, of ${tally.drawn}`).toBeLessThanOrEqual(tally.drawn / 2);
    });
  }
});
