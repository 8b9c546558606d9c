import * as tf from '@tensorflow/tfjs';
import type { Bijector } from '../../src/bijectors/bijector.js';
import { Invert } from '../../src/bijectors/invert.js';
import { MaskedAutoregressive } from '../../src/bijectors/maskedAutoregressive.js';
import { Coupling, halfMask } from '../../src/bijectors/coupling.js';
import { ElementwiseSpline } from '../../src/bijectors/elementwise/spline.js';
import { RQSplineTransform } from '../../src/bijectors/monotonic/rqSpline.js';
import { couplingStructure } from './core.js';
import { diagonal, lowerTriangular, type BijectorCase } from './types.js';

const small = [16, 16];

// Rational-quadratic splines (Durkan et al. 2019). Magnitudes above the bound put inputs in the
// tails, so both tail kinds are exercised beyond the bound as well as inside it. No softening:
// weights are perturbed by up to 0.5 and inputs reach magnitude 100 like every other case; the
// bounded parameterization (RQSplineTransform.derivativeFloor) keeps the round trips within
// TOLERANCES whatever the network outputs. The unconditional elementwise splines start near the
// identity, so their raw parameters are drawn from N(0, 1) instead (any raw values are valid).
const elementwise = {
  prepare: (b: Bijector, sample: (n: number) => tf.Tensor2D) => {
    if (b.contextDim > 0) return;
    const [raw] = b.trainableVariables();
    tf.tidy(() => raw.assign(sample(raw.shape[0])));
  },
};

export const splineCases: BijectorCase[] = [
  {
    name: 'ElementwiseSpline(linear tails)',
    conditional: true,
    make: ({ dim, contextDim, seed }) => new ElementwiseSpline({ dim, contextDim, bins: 6, bound: 3, tails: 'linear', hidden: [8], seed }),
    structure: diagonal,
    ...elementwise,
  },
  {
    name: 'ElementwiseSpline(identity tails)',
    conditional: true,
    make: ({ dim, contextDim, seed }) => new ElementwiseSpline({ dim, contextDim, tails: 'identity', hidden: [8], seed }),
    structure: diagonal,
    ...elementwise,
  },
  {
    name: 'MaskedAutoregressive(spline) [NSF layer]',
    conditional: true,
    make: ({ dim, contextDim, seed }) =>
      new MaskedAutoregressive({ dim, contextDim, hidden: small, transform: new RQSplineTransform({ bins: 5, tails: 'linear' }), seed }),
    structure: lowerTriangular,
  },
  {
    name: 'Coupling(spline) [coupling NSF layer]',
    conditional: true,
    make: ({ dim, contextDim, seed }) =>
      new Coupling({
        dim,
        contextDim,
        hidden: small,
        mask: dim === 1 ? [0] : halfMask(dim, seed % 2 === 1),
        transform: new RQSplineTransform({ bins: 4, bound: 3, tails: 'identity' }),
        seed,
      }),
    structure: couplingStructure,
  },
  {
    name: 'Coupling(spline, tensor ops) [the GPU-backend implementation]',
    conditional: true,
    make: ({ dim, contextDim, seed }) =>
      new Coupling({
        dim,
        contextDim,
        hidden: small,
        mask: dim === 1 ? [0] : halfMask(dim, seed % 2 === 0),
        transform: new RQSplineTransform({ bins: 6, tails: 'linear', implementation: 'ops' }),
        seed,
      }),
    structure: couplingStructure,
  },
  {
    name: 'Invert(MaskedAutoregressive(spline)) [inverse NSF layer]',
    conditional: true,
    make: ({ dim, contextDim, seed }) =>
      new Invert(new MaskedAutoregressive({ dim, contextDim, hidden: small, transform: new RQSplineTransform({ tails: 'identity' }), seed })),
    structure: lowerTriangular,
  },
];
