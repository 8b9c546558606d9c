import { Planar } from '../../src/bijectors/planar.js';
import { Radial } from '../../src/bijectors/radial.js';
import type { BijectorCase } from './types.js';

// Magnitudes. Both inverses are numerical: a float64 Newton/bisection solve that stops when the
// residual |f(z) - y| is at most TOLERANCES.numericalInverse (1e-5). The solve itself converges at
// any scale, but the float32 result and the float32 forward pass add rounding: |forward(inverse(y)) - y|
// measured in float32 (worst over 1500 random layers x 6 rows, perturbation 0.3, dims 1-6, contexts
// 0 and 3 wide) stayed below 1e-5 up to |y| = 20 for planar (8.2e-6 at 10, 3.2e-5 at 50: the
// rounding of s = wᵀz + b is amplified by |û| |w|) and up to |y| = 100 for radial (8.5e-6 at 100;
// beyond 128 the float32 spacing alone exceeds 1e-5). The magnitudes below are those scales
// (planar with a margin). Round trips at larger scales still pass the numerical round-trip
// tolerances; they just cannot show the 1e-5 residual in float32.
export const planarRadialCases: BijectorCase[] = [
  {
    name: 'Planar',
    conditional: true,
    make: ({ dim, contextDim, seed }) => new Planar({ dim, contextDim, seed }),
    numericalInverse: true,
    magnitude: { forward: 10, inverse: 10 },
  },
  {
    name: 'Radial',
    conditional: true,
    make: ({ dim, contextDim, seed }) => new Radial({ dim, contextDim, seed }),
    numericalInverse: true,
    magnitude: { forward: 100, inverse: 100 },
  },
];
