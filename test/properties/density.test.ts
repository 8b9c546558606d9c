// Property 5: a flow built on each bijector has a density that integrates to one (midpoint
// quadrature in 1-D and 2-D, refined where the grid does not resolve the density, and where the
// density at its own samples shows features the grid steps over), and its samples
// agree with that density (first and second moments of 20 000 samples against the quadrature
// moments, within Monte Carlo error).
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TOLERANCES } from '../../src/numerics.js';
import { Flow } from '../../src/flows/flow.js';
import { StandardNormal } from '../../src/distributions/standardNormal.js';
import { catalog } from '../catalog/index.js';
import { contextFor, describeDraw, assertProperty, drawArbitrary, instantiate } from '../helpers/harness.js';
import { integrateDensity } from '../helpers/quadrature.js';

const SAMPLES = 20000;
const GRID = { 1: 4000, 2: 300 } as const;

/** Error the adaptive quadrature refines down to (its estimate): a fifth of what the test allows. */
const QUADRATURE_ERROR = TOLERANCES.quadrature / 5;
/** Refinement may add this many times the starting grid's evaluations (only draws with sharp features use it). */
const REFINEMENT_BUDGET = 4;

/** Draws per seed (fixed and fresh). */
const RUNS = 3;

describe('density integrates to one and matches samples', () => {
  for (const c of catalog) {
    const [lo] = c.dims ?? [1, 6];
    if (c.skipQuadrature || lo > 2) continue;
    test(c.name, () => {
      const arb = drawArbitrary(c).map((d) => ({ ...d, dim: 1 + (d.seed % 2), batch: 1 }));
      assertProperty(
        arb, (d) => {
          const b = instantiate(c, d);
          const flow = new Flow(new StandardNormal(d.dim), b);
          const ctx = contextFor(d, 1);
          try {
            const opts = ctx ? { seed: d.seed, context: ctx } : { seed: d.seed };
            const drawn = tf.tidy(() => (ctx ? flow.sample(SAMPLES, { seed: d.seed, context: ctx }).reshape([SAMPLES, d.dim]) : flow.sample(SAMPLES, opts)));
            const values = drawn.arraySync() as number[][];
            drawn.dispose();
            const box = Array.from({ length: d.dim }, (_, k) => {
              const domain = c.inverseDomain;
              if (domain && domain !== 'real') return [domain.low, domain.high] as [number, number];
              const col = values.map((v) => v[k]);
              const min = Math.min(...col);
              const max = Math.max(...col);
              const pad = 0.15 * (max - min) + 1e-3;
              return [min - pad, max + pad] as [number, number];
            });
            const q = integrateDensity(flow, box, GRID[d.dim as 1 | 2], ctx, { tolerance: QUADRATURE_ERROR, maxRefinementEvaluations: REFINEMENT_BUDGET * GRID[d.dim as 1 | 2] ** d.dim, samples: values });
            expect(Math.abs(q.mass - 1), `${describeDraw(c, d)} mass ${q.mass} (estimated quadrature error ${q.errorEstimate}, ${q.evaluations} evaluations)`).toBeLessThanOrEqual(TOLERANCES.quadrature);
            for (let k = 0; k < d.dim; k++) {
              const col = values.map((v) => v[k]);
              const m = col.reduce((s, v) => s + v, 0) / SAMPLES;
              const v2 = col.reduce((s, v) => s + v * v, 0) / SAMPLES;
              const sd = Math.sqrt(Math.max(v2 - m * m, 0));
              const qMean = q.mean[k] / q.mass;
              const tol = 5 * sd / Math.sqrt(SAMPLES) + TOLERANCES.quadrature * (sd + Math.abs(m));
              expect(Math.abs(qMean - m), `${describeDraw(c, d)} mean of dim ${k}: samples ${m}, quadrature ${qMean}`).toBeLessThanOrEqual(tol);
              const qSd = Math.sqrt(Math.max(q.second[k] / q.mass - qMean * qMean, 0));
              // The sample sd's Monte Carlo error grows with the tails: se(sd) ~ sqrt((m4 - sd^4) / n) / (2 sd).
              const m4 = col.reduce((s, v) => s + (v - m) ** 4, 0) / SAMPLES;
              const sdError = Math.sqrt(Math.max(m4 - sd ** 4, 0) / SAMPLES) / (2 * sd);
              const sdTol = Math.max(0.05, (5 * sdError) / sd);
              expect(Math.abs(qSd - sd) / sd, `${describeDraw(c, d)} sd of dim ${k}: samples ${sd} (Monte Carlo se ${sdError}), quadrature ${qSd}`).toBeLessThanOrEqual(sdTol);
            }
          } finally {
            ctx?.dispose();
            flow.dispose();
          }
        },
        RUNS,
      );
    });
  }
});
