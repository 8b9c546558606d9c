// Property 3: log|det J| reported by the bijector equals log|det| of the Jacobian computed by
// automatic differentiation (row by row with tf.grad) and evaluated with ml-matrix (LU), in both
// directions (forward only for numerical inverses, whose iterations are not differentiated).
// Property 4: autoregressive, coupling and elementwise bijectors have the Jacobian structure
// their ordering promises (the entries it says vanish are zero).
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type * as tf from '@tensorflow/tfjs';
import { TOLERANCES } from '../../src/numerics.js';
import { catalog } from '../catalog/index.js';
import { contextFor, describeDraw, disposeAll, drawArbitrary, inputsFor, instantiate, worstRatio } from '../helpers/harness.js';
import { logAbsDet, rowJacobians } from '../helpers/jacobian.js';

describe('log|det J| against autodiff', () => {
  for (const c of catalog) {
    const directions = c.numericalInverse ? (['forward'] as const) : (['forward', 'inverse'] as const);
    for (const direction of directions) {
      test(`${c.name}: ${direction}`, () => {
        fc.assert(
          fc.property(drawArbitrary(c, direction), (d) => {
            const b = instantiate(c, d);
            const x = inputsFor(direction === 'forward' ? c.forwardDomain : c.inverseDomain, d);
            const ctx = contextFor(d);
            const map = (input: tf.Tensor2D) => (direction === 'forward' ? b.forward(input, ctx) : b.inverse(input, ctx));
            const r = map(x);
            try {
              const J = rowJacobians((input) => map(input).out, x);
              const fromAutodiff = J.map(logAbsDet);
              const ratio = worstRatio(r.logDet.dataSync(), fromAutodiff, TOLERANCES.logDetAbs, TOLERANCES.logDetRel);
              expect(ratio, describeDraw(c, d)).toBeLessThanOrEqual(1);
            } finally {
              disposeAll(x, ctx, r);
              b.dispose();
            }
          }),
          { numRuns: 8 },
        );
      });
    }
  }
});

describe('Jacobian structure', () => {
  for (const c of catalog.filter((k) => k.structure)) {
    test(c.name, () => {
      fc.assert(
        fc.property(drawArbitrary(c, 'forward'), (d) => {
          const b = instantiate(c, d);
          const x = inputsFor(c.forwardDomain, d);
          const ctx = contextFor(d);
          try {
            const zero = c.structure!(b, d.dim);
            for (const J of rowJacobians((input) => b.forward(input, ctx).out, x)) {
              J.forEach((row, i) =>
                row.forEach((v, j) => {
                  if (zero[i][j]) expect(Math.abs(v), `${describeDraw(c, d)} dy${i}/dx${j}`).toBeLessThanOrEqual(TOLERANCES.structuralZero);
                }),
              );
              // The structure must not be vacuous: the diagonal is non-zero for a bijection.
              J.forEach((row, i) => expect(Math.abs(row[i]), describeDraw(c, d)).toBeGreaterThan(0));
            }
          } finally {
            disposeAll(x, ctx);
            b.dispose();
          }
        }),
        { numRuns: 8 },
      );
    });
  }
});
