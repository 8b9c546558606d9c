// Property 2: the forward log-det at x equals minus the inverse log-det at y = forward(x).
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { TOLERANCES } from '../../src/numerics.js';
import { catalog } from '../catalog/index.js';
import { contextFor, describeDraw, disposeAll, drawArbitrary, inputsFor, instantiate, worstRatio } from '../helpers/harness.js';

describe('forward log-det = -inverse log-det', () => {
  for (const c of catalog) {
    test(c.name, () => {
      fc.assert(
        fc.property(drawArbitrary(c, 'forward'), (d) => {
          const b = instantiate(c, d);
          const x = inputsFor(c.forwardDomain, d);
          const ctx = contextFor(d);
          const f = b.forward(x, ctx);
          const i = b.inverse(f.out, ctx);
          try {
            const minusInverse = Array.from(i.logDet.dataSync(), (v) => -v);
            const ratio = worstRatio(f.logDet.dataSync(), minusInverse, TOLERANCES.logDetAbs, TOLERANCES.logDetRel);
            expect(ratio, describeDraw(c, d)).toBeLessThanOrEqual(1);
          } finally {
            disposeAll(x, ctx, f, i);
            b.dispose();
          }
        }),
        { numRuns: 12 },
      );
    });
  }
});
