import * as tf from '@tensorflow/tfjs';
import type { ForwardHint, MonotonicOutput, MonotonicTransform } from './monotonic.js';
import { registerMonotonic } from './monotonic.js';
import { rqSplineForward, rqSplineInverse, type SplineImplementation } from './rqSplineDispatch.js';
import { derivativeCount, derivativeFloor, type SplineSpec, type SplineTails } from './rqSplineSpec.js';
import { tidy } from '../../util/tidy.js';
import { assertPositiveInt } from '../../validation.js';

export type { SplineTails } from './rqSplineSpec.js';
export type { SplineImplementation } from './rqSplineDispatch.js';

/** Default smallest bin slope h_k / w_k (the largest is its inverse). */
export const DEFAULT_MIN_SLOPE = 0.2;
/** Default smallest knot derivative (the largest is its inverse). */
export const DEFAULT_MIN_DERIVATIVE = 0.5;

/** Options of {@link RQSplineTransform}. */
export interface RQSplineOptions {
  /** Number of bins K (default 8). */
  bins?: number;
  /** The spline maps [-bound, bound] onto itself (default 5). */
  bound?: number;
  /**
   * Outside [-bound, bound]: 'linear' (default) continues with straight lines whose slopes are the
   * (learned) boundary derivatives; 'identity' is the identity there (boundary derivatives 1).
   */
  tails?: SplineTails;
  /**
   * Smallest bin slope h_k / w_k, in (0, 1); the largest is 1 / minSlope (default 0.2). Sets the
   * minimum bin width and height (see {@link RQSplineTransform}).
   */
  minSlope?: number;
  /** Knot derivatives lie in (minDerivative, 1 / minDerivative); minDerivative in (0, 1) (default 0.5). */
  minDerivative?: number;
  /**
   * How to evaluate (not part of the saved config): 'js', one JavaScript pass over the elements
   * (fast where tensors live in JavaScript-visible memory); 'ops', tensor ops only (for GPU
   * backends); 'auto' (default), 'js' on wasm, cpu and tfjs-node and 'ops' elsewhere.
   */
  implementation?: SplineImplementation;
}

/**
 * The monotonic rational-quadratic spline of Durkan, Bekasov, Murray & Papamakarios (2019,
 * "Neural Spline Flows"), as a {@link MonotonicTransform} for coupling and autoregressive layers
 * (zuko's `MonotonicRQSTransform`, nflows' `unconstrained_rational_quadratic_spline`).
 *
 * Raw parameters `[batch, paramsPerDim, dim]`, per dimension (index k along axis 1):
 * - k in [0, K): bin widths, w = 2B (m + (1 - K m) softmax(raw)), m = minSlope / (1 + (K - 1) minSlope);
 * - k in [K, 2K): bin heights, the same;
 * - k in [2K, ...): knot derivatives d = exp(r / (1 + |r| / L)), L = log(1 / minDerivative), so
 *   d lies in (minDerivative, 1 / minDerivative) and r = 0 gives d = 1. 'linear' tails: K + 1 of
 *   them (d_0 ... d_K, paramsPerDim = 3K + 1); 'identity' tails: the K - 1 interior ones
 *   (d_0 = d_K = 1, paramsPerDim = 3K - 1).
 * All-zero raw parameters give equal bins, equal widths and heights and unit derivatives: the identity.
 *
 * **Why bounded, and the floor.** Whatever the network outputs, T'(x) inside [-B, B] stays at or
 * above `derivativeFloor` (computed in `rqSplineSpec.ts`; with the defaults minSlope s = 0.2 and
 * minDerivative 0.5 it is 2 s^2 / (s + 2) = 0.036, reached mid-bin in a bin of slope 0.2 between
 * two knots of derivative 2), and at most 9.1. Outside, the tails have slopes in (minDerivative, 1 / minDerivative).
 * A float32 output y carries a rounding error of up to ulp(y) / 2 (2.4e-7 at |y| = 5), which an
 * inverse turns into an error of that over T'(x) in x. One layer at the floor: 7e-6. But in a flow
 * the errors of later layers also move the conditioner inputs of earlier ones, and with wild
 * networks (every weight perturbed by N(0, 0.5^2)) the round trip of 3-layer NSFs missed by up
 * to 4.5e-2 with a floor of 6.5e-3 (minSlope 0.1, minDerivative 1/3) and by 9.9e-4 with 0.025
 * (0.2, 1/3); the defaults give at most 4.1e-4 (`npm run bench:spline-roundtrip`, 20 seeds x 200
 * draws, dims 1-6, coupling and autoregressive, with and without context). The in-bin floor goes
 * with s^2, so both constraints are needed: a minimum slope alone leaves T' ~ 2 s^2 / d -> 0 as d
 * grows, and bounded derivatives alone leave s -> 0. Before these bounds (nflows' defaults:
 * minimum bin sizes 1e-3 of 2B, derivatives in (1e-3, inf)), saturated softmaxes made a bin of
 * minimum height span most of [-B, B], flat to float32 precision (T' ~ 1e-6), and
 * inverse(forward(x)) missed x by up to 8 (issue 12). zuko soft-clips the width, height and
 * log-derivative logits (slope bound 1e-3; the same soft clip of log d as here); BayesFlow raised
 * its minimum bin sizes to 0.1 of a 6-wide domain per bin after NaN losses. Here minSlope sets
 * the minimum bin sizes, with the ratio of the smallest to the widest bin made explicit. The cost:
 * one layer's slopes stay within [0.2, 5] bin by bin, so sharp features need several layers
 * (density figures before and after: `npm run bench:density`).
 *
 * The knots are cumulative sums of the widths (and heights) starting at -B; inside a bin the map
 * is the rational-quadratic of the paper (eq. 4), with log-derivative eq. 5, and the inverse is
 * its stable quadratic root (appendix A). Outside [-B, B]: y = T(+-B) + d_b (x -+ B) with d_b the
 * boundary derivative (d_0 below, d_K above; 1 for identity tails), log-derivative log d_b; still
 * increasing and invertible. `rqSplineDispatch.ts` wraps the evaluation, its inverse and their
 * hand-written gradients in two taped ops and picks the implementation: a JavaScript pass over
 * the elements on CPU backends (`rqSplineJs.ts`) or tensor ops elsewhere (`rqSplineOps.ts`, with
 * the parameter layout of `rqSplineParamLayout.ts`); the bin formula is in `rqSplineCalculus.ts`,
 * the family's constraints in `rqSplineSpec.ts`.
 */
export class RQSplineTransform implements MonotonicTransform {
  readonly kind = 'spline';
  readonly paramsPerDim: number;
  readonly bins: number;
  readonly bound: number;
  readonly tails: SplineTails;
  readonly minSlope: number;
  readonly minDerivative: number;
  /** The smallest T'(x) inside [-bound, bound] for any raw parameters (see the class comment). */
  readonly derivativeFloor: number;
  readonly implementation: SplineImplementation;
  private readonly spec: SplineSpec;

  constructor(options: RQSplineOptions = {}) {
    this.bins = options.bins ?? 8;
    this.bound = options.bound ?? 5;
    this.tails = options.tails ?? 'linear';
    this.minSlope = options.minSlope ?? DEFAULT_MIN_SLOPE;
    this.minDerivative = options.minDerivative ?? DEFAULT_MIN_DERIVATIVE;
    this.implementation = options.implementation ?? 'auto';
    assertPositiveInt('RQSplineTransform', 'bins', this.bins);
    if (!(this.bound > 0) || !Number.isFinite(this.bound)) {
      throw new Error(`RQSplineTransform: bound must be a finite number > 0; received ${this.bound}`);
    }
    if (this.tails !== 'linear' && this.tails !== 'identity') {
      throw new Error(`RQSplineTransform: tails must be "linear" or "identity"; received ${String(this.tails)}`);
    }
    for (const [name, v] of [['minSlope', this.minSlope], ['minDerivative', this.minDerivative]] as const) {
      if (!(v > 0 && v < 1)) throw new Error(`RQSplineTransform: ${name} must lie in (0, 1); received ${v}`);
    }
    if (!['auto', 'js', 'ops'].includes(this.implementation)) {
      throw new Error(`RQSplineTransform: implementation must be "auto", "js" or "ops"; received ${String(this.implementation)}`);
    }
    this.spec = {
      bins: this.bins,
      bound: this.bound,
      tails: this.tails,
      minSlope: this.minSlope,
      minDerivative: this.minDerivative,
    };
    this.paramsPerDim = 2 * this.bins + derivativeCount(this.spec);
    this.derivativeFloor = derivativeFloor(this.spec);
  }

  forward(x: tf.Tensor2D, params: tf.Tensor3D, hint: ForwardHint = {}): MonotonicOutput {
    this.checkShapes('forward', x, params);
    return tidy(() => rqSplineForward(x, params, this.spec, this.implementation, hint.onlyDim));
  }

  inverse(y: tf.Tensor2D, params: tf.Tensor3D): MonotonicOutput {
    this.checkShapes('inverse', y, params);
    return tidy(() => rqSplineInverse(y, params, this.spec, this.implementation));
  }

  private checkShapes(method: string, v: tf.Tensor2D, params: tf.Tensor3D): void {
    const expected = [v.shape[0], this.paramsPerDim, v.shape[1]];
    if (params.rank !== 3 || params.shape.some((n, i) => n !== expected[i])) {
      throw new Error(
        `RQSplineTransform.${method}: params must have shape [${expected.join(', ')}] ([batch, paramsPerDim, dim]); received [${params.shape.join(', ')}]`,
      );
    }
  }

  toConfig() {
    return {
      kind: this.kind,
      bins: this.bins,
      bound: this.bound,
      tails: this.tails,
      minSlope: this.minSlope,
      minDerivative: this.minDerivative,
    };
  }
}

registerMonotonic('spline', (c) => {
  // Configs written before the bounded parameterization (issue 12) hold minBinWidth and a
  // softplus derivative: their weights mean a different spline, so refuse them by name.
  if ('minBinWidth' in c || !('minSlope' in c)) {
    throw new Error(
      'RQSplineTransform: this saved spline uses the unbounded parameterization of flowsbi 0.1 (minBinWidth, softplus derivatives); ' +
        `its weights do not define the same map under the bounded one (minSlope, minDerivative). Retrain and save again; received config ${JSON.stringify(c)}`,
    );
  }
  return new RQSplineTransform(c as RQSplineOptions);
});
