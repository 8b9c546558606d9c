// The adaptive quadrature of test/helpers/quadrature.ts, on densities whose core is narrower than
// one cell of the starting grid: there the plain midpoint grid is far off, and refinement must
// recover the mass (and the moments).
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TOLERANCES } from '../../src/numerics.js';
import { Flow } from '../../src/flows/flow.js';
import { StandardNormal } from '../../src/distributions/standardNormal.js';
import { Scale } from '../../src/bijectors/elementwise/scale.js';
import { catalog } from '../catalog/index.js';
import { instantiate } from './harness.js';
import { integrateDensity } from './quadrature.js';

describe('integrateDensity', () => {
  test('a core narrower than a cell on a wide box: the plain grid misses mass, refinement recovers it', () => {
    // N(0, diag(1, 0.2^2)) on a box 200 wide in y: cells 0.67 high, the nearest midpoints 1.7 sd off the mode.
    const flow = new Flow(new StandardNormal(2), new Scale([1, 0.2]));
    const box: [number, number][] = [[-6, 6], [-100, 100]];
    try {
      const plain = integrateDensity(flow, box, 300, undefined, { maxRounds: 0 });
      expect(Math.abs(plain.mass - 1)).toBeGreaterThan(0.1);
      const q = integrateDensity(flow, box, 300, undefined, { tolerance: 1e-3 });
      expect(Math.abs(q.mass - 1), `mass ${q.mass}, estimate ${q.errorEstimate}`).toBeLessThanOrEqual(2e-3);
      expect(q.errorEstimate).toBeLessThanOrEqual(1e-3);
      // Splitting along the narrow axis only: a few evaluations per cell of the ridge (splitting
      // every cell into 3 x 3 spent the whole default budget of 300^2 and stopped at 6e-3).
      expect(q.evaluations).toBeLessThanOrEqual(1.5 * 300 ** 2);
      expect(Math.abs(q.mean[1] / q.mass)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(q.second[0] / q.mass - 1)).toBeLessThanOrEqual(1e-2);
      expect(Math.abs(q.second[1] / q.mass - 0.04) / 0.04).toBeLessThanOrEqual(1e-2);
    } finally {
      flow.dispose();
    }
  });

  test('the Chain(MAF, Permutation, RealNVP) draw whose 300 x 300 grid gave mass 0.88', () => {
    // The density property's draw (FLOWSBI_FC_SEED=54769869): heavy tails in y stretch the box
    // around its 20 000 samples to 187 wide, while the core is a ridge about 0.3 high.
    const c = catalog.find((k) => k.name === 'Chain(MAF, Permutation, RealNVP)')!;
    const flow = new Flow(new StandardNormal(2), instantiate(c, { dim: 2, contextDim: 0, seed: 1073741803, perturb: 0.5 }));
    const box: [number, number][] = [[-4.153978, 11.327482], [-81.501383, 105.074743]];
    try {
      const plain = integrateDensity(flow, box, 300, undefined, { maxRounds: 0 });
      expect(plain.mass).toBeLessThan(0.9);
      const q = integrateDensity(flow, box, 300, undefined, { tolerance: TOLERANCES.quadrature / 5 });
      expect(Math.abs(q.mass - 1), `mass ${q.mass}, estimate ${q.errorEstimate}`).toBeLessThanOrEqual(TOLERANCES.quadrature / 5);
    } finally {
      flow.dispose();
    }
  });

  test('a thin ridge the starting grid steps over: the density at its own draws finds it', () => {
    // The density property's draw under CI's commit seed 112131195: a ridge that 300 x 300
    // midpoints hit in some cells and miss in others. 2 400 cells per axis give 1.000.
    const c = catalog.find((k) => k.name === 'Chain(MAF, Permutation, RealNVP)')!;
    const flow = new Flow(new StandardNormal(2), instantiate(c, { dim: 2, contextDim: 0, seed: 671155749, perturb: 0.5 }));
    const samples = tf.tidy(() => flow.sample(20000, { seed: 671155749 }).arraySync() as number[][]);
    const box: [number, number][] = [[-6.605709, 11.189822], [-25.224621, 19.627700]];
    const options = { tolerance: TOLERANCES.quadrature / 5, maxRefinementEvaluations: 4 * 300 ** 2 };
    try {
      const plain = integrateDensity(flow, box, 300, undefined, { maxRounds: 0 });
      expect(plain.mass).toBeGreaterThan(1.1);
      const refined = integrateDensity(flow, box, 300, undefined, options);
      expect(refined.mass).toBeLessThan(0.95);
      const q = integrateDensity(flow, box, 300, undefined, { ...options, samples });
      expect(Math.abs(q.mass - 1), `mass ${q.mass}, estimate ${q.errorEstimate}`).toBeLessThanOrEqual(TOLERANCES.quadrature);
    } finally {
      flow.dispose();
    }
  });
});
