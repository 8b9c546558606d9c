// Properties 1-4, checked on every draw of a bijector (one instantiation per draw) by
// invertibility.test.ts and invertibilitySplines.test.ts:
// 1. round trips: inverse(forward(x)) = x and forward(inverse(y)) = y within the float32
//    tolerances of src/numerics.ts, relative to the row's size plus what the rounding of the
//    intermediate point costs through the map's conditioning (worstRowRatio);
// 2. the forward log-det at x equals minus the inverse log-det at forward(x);
// 3. both log-dets equal log|det J| of an independent Jacobian: autodiff through plain tensor ops
//    (`withPlainAutodiff`: dense layers without their hand-written backward, splines evaluated by
//    the test reference instead of the library's kernels), evaluated with ml-matrix (LU). For
//    numerical inverses (planar, radial), whose iterations are not differentiated, the inverse
//    log-det at y is checked against minus log|det J_forward| at x = inverse(y);
// 4. the Jacobian has the structure the ordering promises (entries it says vanish are zero);
// and no tensor is left behind. Inputs up to the case's magnitude (100 unless a case states why
// not), weights perturbed by up to 0.5, dims 1-6, contexts of width 0, 1 and 3; RUNS draws from
// the fixed seed and RUNS from a fresh one (see `assertProperty`).
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TOLERANCES } from '../../src/numerics.js';
import type { BijectorCase } from '../catalog/types.js';
import { contextFor, describeDraw, disposeAll, inputsFor, instantiate, rowMaxTimes, worstRatio, worstRowRatio, type Draw } from '../helpers/harness.js';
import { infNorm, logAbsDet, rowJacobians, withPlainAutodiff } from '../helpers/jacobian.js';

/** Draws per seed (fixed and fresh): 100 per bijector in all. */
export const RUNS = 50;

/** Check properties 1-4 and the tensor count on one draw of a case. */
export function checkInvertibility(c: BijectorCase, d: Draw): void {
  const b = instantiate(c, d);
  const ctx = contextFor(d);
  const x = inputsFor(c.forwardDomain, d);
  const y = inputsFor(c.inverseDomain, { ...d, magnitude: d.inverseMagnitude });
  const where = describeDraw(c, d);
  const abs = c.numericalInverse ? TOLERANCES.numericalRoundTripAbs : TOLERANCES.roundTripAbs;
  const rel = c.numericalInverse ? TOLERANCES.numericalRoundTripRel : TOLERANCES.roundTripRel;
  const logDetClose = (a: ArrayLike<number>, e: ArrayLike<number>) => worstRatio(a, e, TOLERANCES.logDetAbs, TOLERANCES.logDetRel);
  const baseline = tf.memory().numTensors;
  try {
    const f = b.forward(x, ctx);
    const back = b.inverse(f.out, ctx);
    const i = b.inverse(y, ctx);
    const again = b.forward(i.out, ctx);
    try {
      const forwardJ = withPlainAutodiff(() => rowJacobians((input, c2) => b.forward(input, c2).out, x, ctx));
      // J_f at the inverse's output: the autodiff Jacobian of a numerical inverse is not available.
      const forwardJAtI = c.numericalInverse ? withPlainAutodiff(() => rowJacobians((input, c2) => b.forward(input, c2).out, i.out, ctx)) : null;
      const inverseJ = c.numericalInverse ? null : withPlainAutodiff(() => rowJacobians((input, c2) => b.inverse(input, c2).out, y, ctx));

      // Round trips, allowing for the float32 rounding of the intermediate point carried back by
      // the map's conditioning (see worstRowRatio); a singular float32 Jacobian allows nothing extra.
      const finite = (v: number) => (Number.isFinite(v) ? v : 0);
      const backConditioning = rowMaxTimes(f.out.dataSync(), d.dim, forwardJ.map((J) => finite(infNorm(J, true))));
      const againFactors = forwardJAtI ? forwardJAtI.map((J) => infNorm(J)) : inverseJ!.map((J) => infNorm(J, true));
      const againConditioning = rowMaxTimes(i.out.dataSync(), d.dim, againFactors.map(finite));
      expect(worstRowRatio(back.out.dataSync(), x.dataSync(), d.dim, abs, rel, backConditioning), `${where}: inverse(forward(x)) = x`).toBeLessThanOrEqual(1);
      expect(worstRowRatio(again.out.dataSync(), y.dataSync(), d.dim, abs, rel, againConditioning), `${where}: forward(inverse(y)) = y`).toBeLessThanOrEqual(1);
      const minusBack = Array.from(back.logDet.dataSync(), (v) => -v);
      expect(logDetClose(f.logDet.dataSync(), minusBack), `${where}: forward log-det = -inverse log-det`).toBeLessThanOrEqual(1);

      expect(logDetClose(f.logDet.dataSync(), forwardJ.map(logAbsDet)), `${where}: forward log-det against autodiff`).toBeLessThanOrEqual(1);
      const inverseLogDet = forwardJAtI ? forwardJAtI.map((J) => -logAbsDet(J)) : inverseJ!.map(logAbsDet);
      expect(logDetClose(i.logDet.dataSync(), inverseLogDet), `${where}: inverse log-det against autodiff`).toBeLessThanOrEqual(1);

      if (c.structure) {
        const zero = c.structure(b, d.dim);
        for (const J of forwardJ) {
          J.forEach((row, r) =>
            row.forEach((v, k) => {
              if (zero[r][k]) expect(Math.abs(v), `${where}: structure, dy${r}/dx${k}`).toBeLessThanOrEqual(TOLERANCES.structuralZero);
            }),
          );
          // Not vacuous: the diagonal of a bijection's triangular Jacobian is non-zero.
          J.forEach((row, r) => expect(Math.abs(row[r]), `${where}: structure, dy${r}/dx${r}`).toBeGreaterThan(0));
        }
      }
    } finally {
      disposeAll(f, back, i, again);
    }
    expect(tf.memory().numTensors, `${where}: tensors left behind`).toBe(baseline);
  } finally {
    disposeAll(x, y, ctx);
    b.dispose();
  }
}

