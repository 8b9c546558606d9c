import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from './bijector.js';
import { ConditionerNet } from '../nn/conditioner.js';
import type { Activation } from '../nn/activation.js';
import { monotonicFromConfig, type MonotonicTransform } from './monotonic/monotonic.js';
import { AffineTransform } from './monotonic/affine.js';
import { registerModule, type Json, type ModuleConfig } from '../io/registry.js';
import type { SeedLike } from '../random.js';
import { assertPositiveInt } from '../validation.js';

export interface CouplingOptions {
  dim: number;
  /**
   * 0/1 per dimension: 1 = passed through unchanged and read by the network, 0 = transformed.
   * Default: the first ceil(dim/2) dimensions pass through (alternate with the complement).
   */
  mask?: number[];
  contextDim?: number;
  /** Conditioner hidden widths (default [64, 64]). */
  hidden?: number[];
  activation?: Activation;
  /** The elementwise map (default affine: RealNVP; a spline gives the coupling NSF). */
  transform?: MonotonicTransform;
  outputInitGain?: number;
  seed?: SeedLike;
}

/** The default half mask: the first ceil(dim/2) dimensions pass through (or the other half). */
export function halfMask(dim: number, flip = false): number[] {
  const k = Math.ceil(dim / 2);
  return Array.from({ length: dim }, (_, i) => Number(i < k !== flip));
}

/**
 * A coupling layer (Dinh et al. 2017, RealNVP; Durkan et al. 2019 with splines): with a binary
 * mask m, y = m ⊙ x + (1 - m) ⊙ T(x; theta(m ⊙ x, c)). The network reads only the pass-through
 * dimensions (its first-layer rows for transformed dimensions are masked out), so both directions
 * take one pass and the Jacobian is triangular with log|det| = sum_{i: m_i = 0} log|T'(x_i)|.
 * With dim = 1 nothing can pass through: the layer then transforms the single dimension with
 * parameters from the context only (or constants).
 */
export class Coupling extends Bijector {
  readonly mask: readonly number[];
  readonly transform: MonotonicTransform;
  readonly conditioner: ConditionerNet;
  private readonly keepMask: tf.Tensor1D;
  private readonly changeMask: tf.Tensor1D;
  private readonly config: ModuleConfig;

  constructor(options: CouplingOptions) {
    assertPositiveInt('Coupling', 'dim', options.dim);
    const dim = options.dim;
    const mask = options.mask ?? (dim === 1 ? [0] : halfMask(dim));
    if (mask.length !== dim || mask.some((m) => m !== 0 && m !== 1)) {
      throw new Error(`Coupling: mask must be ${dim} zeros and ones; received [${mask.join(', ')}]`);
    }
    if (!mask.includes(0)) throw new Error('Coupling: mask must transform at least one dimension (a 0 entry); received all ones');
    super(dim, options.contextDim ?? 0);
    this.mask = [...mask];
    this.transform = options.transform ?? new AffineTransform();
    const hidden = options.hidden ?? [64, 64];
    const inputMask = tf.tensor2d(
      mask.flatMap((m) => new Array(hidden[0]).fill(m)),
      [dim, hidden[0]],
    );
    try {
      this.conditioner = this.addModule(
        'conditioner',
        new ConditionerNet({
          dim,
          contextDim: options.contextDim,
          hidden,
          paramsPerDim: this.transform.paramsPerDim,
          activation: options.activation,
          outputInitGain: options.outputInitGain,
          masks: [inputMask, ...hidden.map(() => undefined)],
          seed: options.seed,
        }),
      );
    } finally {
      inputMask.dispose();
    }
    this.keepMask = tf.keep(tf.tensor1d(mask));
    this.changeMask = tf.keep(tf.tensor1d(mask.map((m) => 1 - m)));
    this.config = {
      type: 'Coupling',
      dim,
      mask: [...mask],
      contextDim: options.contextDim ?? 0,
      hidden,
      activation: options.activation ?? 'relu',
      outputInitGain: options.outputInitGain ?? 1,
      transform: this.transform.toConfig() as Json,
    };
  }

  private couple(x: tf.Tensor2D, context: tf.Tensor2D | undefined, direction: 'forward' | 'inverse'): BijectorOutput {
    const params = this.conditioner.apply(x, context);
    const r = this.transform[direction](x, params);
    return {
      out: tf.add(tf.mul(x, this.keepMask), tf.mul(r.out, this.changeMask)),
      logDet: tf.sum(tf.mul(r.logAbsDet, this.changeMask), 1),
    };
  }

  protected forwardImpl(x: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    return this.couple(x, context, 'forward');
  }

  protected inverseImpl(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    return this.couple(y, context, 'inverse');
  }

  override dispose(): void {
    super.dispose();
    this.keepMask.dispose();
    this.changeMask.dispose();
  }

  override toConfig(): ModuleConfig {
    return this.config;
  }
}

registerModule('Coupling', (c) =>
  new Coupling({
    dim: c.dim as number,
    mask: c.mask as number[],
    contextDim: c.contextDim as number,
    hidden: c.hidden as number[],
    activation: c.activation as Activation,
    outputInitGain: c.outputInitGain as number,
    transform: monotonicFromConfig(c.transform as { kind: string }),
  }),
);
