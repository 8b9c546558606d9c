import * as tf from '@tensorflow/tfjs';
import { Bijector, sumLogDet, type BijectorOutput } from './bijector.js';
import { MADE } from '../nn/made.js';
import { gradientRecording } from '../nn/customOp.js';
import type { Activation } from '../nn/activation.js';
import { monotonicFromConfig, type MonotonicTransform } from './monotonic/monotonic.js';
import { AffineTransform } from './monotonic/affine.js';
import { registerModule, type Json, type ModuleConfig } from '../io/registry.js';
import type { SeedLike } from '../random.js';
import { assertPositiveInt } from '../validation.js';

export interface MaskedAutoregressiveOptions {
  dim: number;
  /** Context width for a conditional layer (default 0). */
  contextDim?: number;
  /** MADE hidden widths (default [64, 64]). */
  hidden?: number[];
  activation?: Activation;
  /** The elementwise map (default: affine). */
  transform?: MonotonicTransform;
  /** Initial scale of MADE's output layer (default 1; small values start near the identity). */
  outputInitGain?: number;
  /** With a context: whether the first dimension's parameters depend on it (default true; see `MADEOptions`). */
  contextToFirst?: boolean;
  seed?: SeedLike;
}

/**
 * A masked autoregressive layer: data y and base z are related by y_i = T(z_i; theta_i(y_<i, c)),
 * where theta comes from a MADE on y (and the context c). This is MAF (Papamakarios et al. 2017)
 * with the affine T, and the autoregressive neural spline flow (Durkan et al. 2019) with the
 * rational-quadratic T.
 *
 * - `inverse` (data → base, the density direction) takes one network pass: z = T^{-1}(y; theta(y)),
 *   log|det| = sum_i log|dT^{-1}/dy_i| (the Jacobian is triangular).
 * - `forward` (base → data, sampling) takes D passes, filling y one dimension per pass.
 * For the opposite trade-off (one-pass sampling) wrap it: `new Invert(layer)` is an IAF layer
 * (Kingma et al. 2016), whose network reads the base side.
 */
export class MaskedAutoregressive extends Bijector {
  readonly made: MADE;
  readonly transform: MonotonicTransform;
  private readonly config: ModuleConfig;

  constructor(options: MaskedAutoregressiveOptions) {
    assertPositiveInt('MaskedAutoregressive', 'dim', options.dim);
    super(options.dim, options.contextDim ?? 0);
    this.transform = options.transform ?? new AffineTransform();
    this.made = this.addModule(
      'made',
      new MADE({
        dim: options.dim,
        contextDim: options.contextDim,
        hidden: options.hidden,
        paramsPerDim: this.transform.paramsPerDim,
        activation: options.activation,
        outputInitGain: options.outputInitGain,
        contextToFirst: options.contextToFirst,
        seed: options.seed,
      }),
    );
    this.config = {
      type: 'MaskedAutoregressive',
      dim: options.dim,
      contextDim: options.contextDim ?? 0,
      hidden: options.hidden ?? [64, 64],
      activation: options.activation ?? 'relu',
      outputInitGain: options.outputInitGain ?? 1,
      contextToFirst: options.contextToFirst ?? true,
      transform: this.transform.toConfig() as Json,
    };
  }

  protected forwardImpl(z: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    // Pass i computes y_i = T(z_i; theta_i(y_<i)) from the exact y_1..y_{i-1} of earlier passes
    // and writes it into column i (still 0) through a one-hot mask; the transform is told that
    // only column i is used, so the spline evaluates D times fewer elements.
    // Without a gradient being recorded, the MADE sampler skips the hidden units that earlier
    // passes already computed (one network's work in all instead of D); with one, the plain
    // differentiable passes.
    const D = z.shape[1];
    const sampler = gradientRecording() ? null : this.made.sampler(z.shape[0], context);
    let y = tf.zerosLike(z);
    let logAbsDet = tf.zerosLike(z);
    for (let i = 0; i < D; i++) {
      const params = sampler ? sampler.params(y, i) : this.made.apply(y, context);
      const r = this.transform.forward(z, params, { onlyDim: i });
      const column = tf.tensor2d(Float32Array.from({ length: D }, (_, k) => Number(k === i)), [1, D]);
      y = tf.add(y, tf.mul(r.out, column));
      logAbsDet = tf.add(logAbsDet, tf.mul(r.logAbsDet, column));
    }
    return { out: y, logDet: sumLogDet(logAbsDet) };
  }

  protected inverseImpl(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    const params = this.made.apply(y, context);
    // The affine transform sums its log-derivatives inside its own tape node (one op less per layer).
    if (this.transform instanceof AffineTransform) return this.transform.inverseSummed(y, params);
    const r = this.transform.inverse(y, params);
    return { out: r.out, logDet: sumLogDet(r.logAbsDet) };
  }

  override toConfig(): ModuleConfig {
    return this.config;
  }
}

registerModule('MaskedAutoregressive', (c) =>
  new MaskedAutoregressive({
    dim: c.dim as number,
    contextDim: c.contextDim as number,
    hidden: c.hidden as number[],
    activation: c.activation as Activation,
    outputInitGain: c.outputInitGain as number,
    // Files written before this option existed had the context reach the first dimension.
    contextToFirst: (c.contextToFirst as boolean | undefined) ?? true,
    transform: monotonicFromConfig(c.transform as { kind: string }),
  }),
);
