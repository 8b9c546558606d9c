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
// tails, so both tail kinds are exercised beyond the bound as well as inside it.
//
// Where a conditioner reads the inputs (autoregressive and coupling layers, in both directions),
// magnitudes are limited to 10 (still 2-3 times the bound) and the weight perturbation to 0.1:
// float32 cannot keep the round trip within TOLERANCES otherwise. Inputs of order 100 (or weights
// perturbed by 0.3, more than their initial scale 1/4) drive the network's raw outputs to order
// 10-100, which saturates the softmaxes: a bin of minimum height (0.002 B) stretched over most of
// [-B, B], where T'(x) ~ 4 s^2 / (d_k + d_{k+1}) reaches 1e-6. There T is flat to float32
// precision and no inverse can recover x: the measured errors equal ulp(y) / T'(x) (up to 0.3 at
// |x| ~ 1). Measured: 10-30% of such draws fail at magnitude 100 or perturbation 0.3, none of 120
// per direction at magnitude 10 and perturbation 0.1.
const conditioned = { perturb: 0.1, magnitude: { forward: 10, inverse: 10 } };

// The elementwise splines keep magnitude 100 (their parameters do not depend on x). Their density
// is checked on 4000-point (1-D) and 300^2 (2-D) grids, which cannot resolve the sharpest densities
// of conditional splines with MLP weights perturbed by 0.3 (5-8% of draws fail; the mass is 1.0000
// on a 2000^2 grid): the perturbation is 0.1, and the unconditional variant, which it would leave
// near the identity, gets raw parameters drawn from N(0, 0.5^2) instead (N(0, 1) is again too sharp
// for the 300^2 grid in a third of the draws).
const elementwise = {
  perturb: 0.1,
  prepare: (b: Bijector, sample: (n: number) => tf.Tensor2D) => {
    if (b.contextDim > 0) return;
    const [raw] = b.trainableVariables();
    tf.tidy(() => raw.assign(tf.mul(sample(raw.shape[0]), 0.5)));
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
    ...conditioned,
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
    ...conditioned,
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
    ...conditioned,
  },
  {
    name: 'Invert(MaskedAutoregressive(spline)) [inverse NSF layer]',
    conditional: true,
    make: ({ dim, contextDim, seed }) =>
      new Invert(new MaskedAutoregressive({ dim, contextDim, hidden: small, transform: new RQSplineTransform({ tails: 'identity' }), seed })),
    structure: lowerTriangular,
    ...conditioned,
  },
];
