import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { assertPositiveInt } from '../../validation.js';
import { batchMoments } from './batchStats.js';

export interface BatchNormOptions {
  dim: number;
  /** Weight of the newest batch in the running statistics (default 0.1, as in PyTorch). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation as a bijector (Dinh et al. 2017, RealNVP; Papamakarios et al. 2017, MAF),
 * acting in the density direction:
 *
 *   inverse (data → base):  z = (y - m) / sqrt(v + eps) * exp(gamma) + beta,
 *                           log|det dz/dy| = sum_i [gamma_i - log(v_i + eps) / 2],
 *   forward (base → data):  y = (z - beta) exp(-gamma) sqrt(v + eps) + m,  log|det| = the negative,
 *
 * with learnable gamma (a log-scale) and beta. The statistics (m, v) depend on the mode:
 * - training mode (`module.training`, the default): `inverse` uses the mean and the biased
 *   variance of the batch it receives (gradients flow through them, so the batch needs at least
 *   2 rows), and updates the non-trainable running statistics:
 *   running = (1 - momentum) running + momentum batch, with the unbiased batch variance (as
 *   PyTorch's BatchNorm1d). `forward` cannot know the statistics of the batch that produced its
 *   input, so it uses the running statistics in both modes; in training mode the two directions
 *   are therefore not inverses of each other.
 * - evaluation mode (`.eval()`): both directions use the running statistics, and the round trip is
 *   exact. Sample and evaluate densities of a trained flow in this mode.
 * Defined on all of R^d in both directions.
 */
export class BatchNorm extends Bijector {
  readonly momentum: number;
  readonly eps: number;
  readonly gamma: tf.Variable<tf.Rank.R1>;
  readonly beta: tf.Variable<tf.Rank.R1>;
  readonly runningMean: tf.Variable<tf.Rank.R1>;
  readonly runningVar: tf.Variable<tf.Rank.R1>;

  constructor(options: BatchNormOptions) {
    assertPositiveInt('BatchNorm', 'dim', options?.dim);
    const momentum = options.momentum ?? 0.1;
    const eps = options.eps ?? 1e-5;
    if (!(momentum > 0 && momentum <= 1)) throw new Error(`BatchNorm: momentum must be in (0, 1]; received ${momentum}`);
    if (!(eps > 0 && Number.isFinite(eps))) throw new Error(`BatchNorm: eps must be a positive finite number; received ${eps}`);
    super(options.dim);
    this.momentum = momentum;
    this.eps = eps;
    this.gamma = this.addVariable('gamma', tf.zeros([options.dim]) as tf.Tensor1D);
    this.beta = this.addVariable('beta', tf.zeros([options.dim]) as tf.Tensor1D);
    this.runningMean = this.addVariable('runningMean', tf.zeros([options.dim]) as tf.Tensor1D, false);
    this.runningVar = this.addVariable('runningVar', tf.ones([options.dim]) as tf.Tensor1D, false);
  }

  /** log|det dz/dy| per row for variance v: sum_i [gamma_i - log(v_i + eps) / 2]. */
  private logDet(rows: number, variance: tf.Tensor): tf.Tensor1D {
    const perColumn = tf.sub(this.gamma, tf.mul(0.5, tf.log(tf.add(tf.reshape(variance, [-1]), this.eps))));
    return tf.mul(tf.ones([rows]), tf.sum(perColumn)) as tf.Tensor1D;
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    const sd = tf.sqrt(tf.add(this.runningVar, this.eps));
    const y = tf.add(tf.mul(tf.mul(tf.sub(x, this.beta), tf.exp(tf.neg(this.gamma))), sd), this.runningMean);
    return { out: y as tf.Tensor2D, logDet: tf.neg(this.logDet(x.shape[0], this.runningVar)) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    const rows = y.shape[0];
    let mean: tf.Tensor = this.runningMean;
    let variance: tf.Tensor = this.runningVar;
    if (this.training) {
      if (rows < 2) {
        throw new Error(`BatchNorm.inverse: in training mode the input needs at least 2 rows for batch statistics; received shape [${y.shape.join(', ')}] (call .eval() to use the running statistics)`);
      }
      ({ mean, variance } = batchMoments(y));
      const m = this.momentum;
      this.runningMean.assign(tf.add(tf.mul(1 - m, this.runningMean), tf.mul(m, tf.reshape(mean, [-1]))) as tf.Tensor1D);
      const unbiased = tf.mul(tf.reshape(variance, [-1]), rows / (rows - 1));
      this.runningVar.assign(tf.add(tf.mul(1 - m, this.runningVar), tf.mul(m, unbiased)) as tf.Tensor1D);
    }
    const z = tf.add(tf.mul(tf.mul(tf.sub(y, mean), tf.rsqrt(tf.add(variance, this.eps))), tf.exp(this.gamma)), this.beta);
    return { out: z as tf.Tensor2D, logDet: this.logDet(rows, variance) };
  }

  override toConfig(): ModuleConfig {
    return { type: 'BatchNorm', dim: this.dim as number, momentum: this.momentum, eps: this.eps };
  }
}

registerModule('BatchNorm', (c) => new BatchNorm({ dim: c.dim as number, momentum: c.momentum as number, eps: c.eps as number }));
