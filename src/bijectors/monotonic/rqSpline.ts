import * as tf from '@tensorflow/tfjs';
import type { ForwardHint, MonotonicOutput, MonotonicTransform } from './monotonic.js';
import { registerMonotonic } from './monotonic.js';
import { rqSplineForward, rqSplineInverse, type SplineImplementation } from './rqSplineKernel.js';
import { derivativeCount, type SplineSpec, type SplineTails } from './rqSplineRows.js';
import { tidy } from '../../util/tidy.js';
import { assertPositiveInt } from '../../validation.js';

export type { SplineTails } from './rqSplineRows.js';

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
  /** Smallest bin width as a fraction of 2 bound (default 1e-3). */
  minBinWidth?: number;
  /** Smallest bin height as a fraction of 2 bound (default 1e-3). */
  minBinHeight?: number;
  /** Smallest knot derivative (default 1e-3). */
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
 * - k in [0, K): bin widths, w = 2B (minBinWidth + (1 - K minBinWidth) softmax(raw));
 * - k in [K, 2K): bin heights, the same with minBinHeight;
 * - k in [2K, ...): knot derivatives d = minDerivative + softplus(raw + c), c = log(e^{1 - minDerivative} - 1),
 *   so that raw = 0 gives d = 1. 'linear' tails: K + 1 of them (d_0 ... d_K, paramsPerDim = 3K + 1);
 *   'identity' tails: the K - 1 interior ones (d_0 = d_K = 1, paramsPerDim = 3K - 1).
 * All-zero raw parameters give equal bins, equal widths and heights and unit derivatives: the identity.
 *
 * The knots are cumulative sums of the widths (and heights) starting at -B; inside a bin the map
 * is the rational-quadratic of the paper (eq. 4), with log-derivative eq. 5, and the inverse is
 * its stable quadratic root (appendix A). Outside [-B, B]: y = T(+-B) + d_b (x -+ B) with d_b the
 * boundary derivative (d_0 below, d_K above; 1 for identity tails), log-derivative log d_b; still
 * increasing and invertible. The evaluation, its inverse and their hand-written gradients are in
 * `rqSplineKernel.ts` (two taped ops per call; a JavaScript pass over the elements on CPU backends,
 * `rqSplineJs.ts`, tensor ops elsewhere, `rqSplineOps.ts`), the parameter layout in
 * `rqSplineRows.ts`, the bin formula in `rqSplineCalculus.ts`.
 */
export class RQSplineTransform implements MonotonicTransform {
  readonly kind = 'spline';
  readonly paramsPerDim: number;
  readonly bins: number;
  readonly bound: number;
  readonly tails: SplineTails;
  readonly minBinWidth: number;
  readonly minBinHeight: number;
  readonly minDerivative: number;
  readonly implementation: SplineImplementation;
  private readonly spec: SplineSpec;

  constructor(options: RQSplineOptions = {}) {
    this.bins = options.bins ?? 8;
    this.bound = options.bound ?? 5;
    this.tails = options.tails ?? 'linear';
    this.minBinWidth = options.minBinWidth ?? 1e-3;
    this.minBinHeight = options.minBinHeight ?? 1e-3;
    this.minDerivative = options.minDerivative ?? 1e-3;
    this.implementation = options.implementation ?? 'auto';
    assertPositiveInt('RQSplineTransform', 'bins', this.bins);
    if (!(this.bound > 0) || !Number.isFinite(this.bound)) {
      throw new Error(`RQSplineTransform: bound must be a finite number > 0; received ${this.bound}`);
    }
    if (this.tails !== 'linear' && this.tails !== 'identity') {
      throw new Error(`RQSplineTransform: tails must be "linear" or "identity"; received ${String(this.tails)}`);
    }
    for (const [name, v] of [['minBinWidth', this.minBinWidth], ['minBinHeight', this.minBinHeight]] as const) {
      if (!(v > 0 && v * this.bins < 1)) {
        throw new Error(`RQSplineTransform: ${name} must lie in (0, 1/bins) = (0, ${1 / this.bins}); received ${v}`);
      }
    }
    if (!(this.minDerivative > 0 && this.minDerivative < 1)) {
      throw new Error(`RQSplineTransform: minDerivative must lie in (0, 1); received ${this.minDerivative}`);
    }
    if (!['auto', 'js', 'ops'].includes(this.implementation)) {
      throw new Error(`RQSplineTransform: implementation must be "auto", "js" or "ops"; received ${String(this.implementation)}`);
    }
    this.spec = {
      bins: this.bins,
      bound: this.bound,
      tails: this.tails,
      minBinWidth: this.minBinWidth,
      minBinHeight: this.minBinHeight,
      minDerivative: this.minDerivative,
    };
    this.paramsPerDim = 2 * this.bins + derivativeCount(this.spec);
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
      minBinWidth: this.minBinWidth,
      minBinHeight: this.minBinHeight,
      minDerivative: this.minDerivative,
    };
  }
}

registerMonotonic('spline', (c) => new RQSplineTransform(c as RQSplineOptions));
