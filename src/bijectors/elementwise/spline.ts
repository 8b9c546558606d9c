import * as tf from '@tensorflow/tfjs';
import { Bijector, sumLogDet, type BijectorOutput } from '../bijector.js';
import { RQSplineTransform, type SplineTails } from '../monotonic/rqSpline.js';
import { MLP } from '../../nn/mlp.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { toRandom, type SeedLike } from '../../random.js';
import { assertPositiveInt } from '../../validation.js';

export interface ElementwiseSplineOptions {
  dim: number;
  /** Context width; > 0 makes the spline parameters a function of the context (default 0). */
  contextDim?: number;
  /** Number of bins (default 8). */
  bins?: number;
  /** The spline lives on [-bound, bound] (default 5). */
  bound?: number;
  /** 'linear' (default) or 'identity' tails outside [-bound, bound]. */
  tails?: SplineTails;
  /** Hidden widths of the context network (conditional only; default [32, 32]). */
  hidden?: number[];
  seed?: SeedLike;
}

/** Scale of the seeded noise around the identity in the initial raw parameters. */
const INIT_NOISE = 1e-2;

/**
 * A rational-quadratic spline applied to each dimension with its own parameters
 * (Durkan et al. 2019): y_i = T(x_i; theta_i), log|det J| = sum_i log T'(x_i; theta_i).
 *
 * Unconditional: theta is a learnable variable [paramsPerDim, dim], initialised at the identity
 * (raw parameters 0, see {@link RQSplineTransform}) plus N(0, 0.01^2) seeded noise. Conditional
 * (contextDim > 0): theta = MLP(c) reshaped to [batch, paramsPerDim, dim], so every row gets its
 * own spline; the MLP's output layer starts small (gain 0.1), i.e. near the identity.
 */
export class ElementwiseSpline extends Bijector {
  readonly transform: RQSplineTransform;
  private readonly raw: tf.Variable<tf.Rank.R2> | undefined;
  private readonly net: MLP | undefined;
  private readonly config: ModuleConfig;

  constructor(options: ElementwiseSplineOptions) {
    assertPositiveInt('ElementwiseSpline', 'dim', options.dim);
    const contextDim = options.contextDim ?? 0;
    if (!(Number.isInteger(contextDim) && contextDim >= 0)) {
      throw new Error(`ElementwiseSpline: contextDim must be an integer >= 0; received ${String(contextDim)}`);
    }
    super(options.dim, contextDim);
    this.transform = new RQSplineTransform({ bins: options.bins, bound: options.bound, tails: options.tails });
    const P = this.transform.paramsPerDim;
    const D = options.dim;
    const random = toRandom(options.seed);
    const hidden = options.hidden ?? [32, 32];
    if (contextDim > 0) {
      this.net = this.addModule('net', new MLP({ inputs: contextDim, hidden, outputs: P * D, outputInitGain: 0.1, seed: random.fork() }));
    } else {
      const noise = Float32Array.from({ length: P * D }, () => INIT_NOISE * random.normal());
      this.raw = this.addVariable('raw', tf.tensor2d(noise, [P, D]));
    }
    this.config = {
      type: 'ElementwiseSpline',
      dim: D,
      contextDim,
      bins: this.transform.bins,
      bound: this.transform.bound,
      tails: this.transform.tails,
      hidden,
    };
  }

  /** Raw spline parameters [batch, paramsPerDim, dim] for `batch` rows. */
  private params(batch: number, context?: tf.Tensor2D): tf.Tensor3D {
    const P = this.transform.paramsPerDim;
    const D = this.dim!;
    if (this.net) return tf.reshape(this.net.apply(context!), [batch, P, D]);
    // ones[batch, 1] @ raw[1, P D]: a plain 2-D product (fast on wasm, unlike broadcastTo), whose
    // gradient ones^T @ g is the cheap sum over the batch.
    return tf.reshape(tf.matMul(tf.ones([batch, 1]), tf.reshape(this.raw!, [1, P * D])), [batch, P, D]);
  }

  protected forwardImpl(x: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    const r = this.transform.forward(x, this.params(x.shape[0], context));
    return { out: r.out, logDet: sumLogDet(r.logAbsDet) };
  }

  protected inverseImpl(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    const r = this.transform.inverse(y, this.params(y.shape[0], context));
    return { out: r.out, logDet: sumLogDet(r.logAbsDet) };
  }

  override toConfig(): ModuleConfig {
    return this.config;
  }
}

registerModule(
  'ElementwiseSpline',
  (c) =>
    new ElementwiseSpline({
      dim: c.dim as number,
      contextDim: c.contextDim as number,
      bins: c.bins as number,
      bound: c.bound as number,
      tails: c.tails as SplineTails,
      hidden: c.hidden as number[],
    }),
);
