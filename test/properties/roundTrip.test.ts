// Property 1: inverse(forward(x)) = x and forward(inverse(y)) = y, within the float32 tolerances
// of src/numerics.ts, for every bijector in the catalog, over dimensions 1..6, with and without a
// context, random parameters and inputs up to large magnitudes.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { TOLERANCES } from '../../src/numerics.js';
import { catalog } from '../catalog/index.js';
import { contextFor, describeDraw, disposeAll, drawArbitrary, inputsFor, instantiate, worstRatio } from '../helpers/harness.js';

const RUNS = 12;

describe('round trip', () => {
  for (const c of catalog) {
    const abs = c.numericalInverse ? TOLERANCES.numericalRoundTripAbs : TOLERANCES.roundTripAbs;
    const rel = c.numericalInverse ? TOLERANCES.numericalRoundTripRel : TOLERANCES.roundTripRel;
    for (const direction of ['forward', 'inverse'] as const) {
      test(`${c.name}: ${direction === 'forward' ? 'inverse(forward(x)) = x' : 'forward(inverse(y)) = y'}`, () => {
        fc.assert(
          fc.property(drawArbitrary(c, direction), (d) => {
            const b = instantiate(c, d);
            const x = inputsFor(direction === 'forward' ? c.forwardDomain : c.inverseDomain, d);
            const ctx = contextFor(d);
            const there = direction === 'forward' ? b.forward(x, ctx) : b.inverse(x, ctx);
            const back = direction === 'forward' ? b.inverse(there.out, ctx) : b.forward(there.out, ctx);
            try {
              const ratio = worstRatio(back.out.dataSync(), x.dataSync(), abs, rel);
              expect(ratio, describeDraw(c, d)).toBeLessThanOrEqual(1);
            } finally {
              disposeAll(x, ctx, there, back);
              b.dispose();
            }
          }),
          { numRuns: RUNS },
        );
      });
    }
  }
});
