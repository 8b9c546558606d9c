import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { assertFinite, assertMatrix, assertPositiveInt } from '../../validation.js';
import { batchMoments } from './batchStats.js';

/** Floor added to the standard deviation at initialisation (Glow's 1e-6), for constant columns. */
const SD_FLOOR = 1e-6;

/**
 * Activation normalisation (Kingma & Dhariwal 2018, Glow): a per-dimension affine map
 * y = x exp(s) + b (forward, base → data), x = (y - b) exp(-s) (inverse, the density direction),
 * log|det J| = ±sum_i s_i per row, with a data-dependent initialisation: the first call of
 * `inverse` sets b = mean(y) and s = log(sd(y) + 1e-6) per column of that batch, so that the
 * batch maps to zero mean and unit variance; `initialize(data)` does the same explicitly (and
 * again when called again). Calls of `forward` before any initialisation use the current
 * parameters (the identity at construction) and do not initialise.
 *
 * Whether it has been initialised is a non-trainable variable `initialized` (0 or 1), saved with
 * the weights, so a reloaded model does not re-initialise on its first batch. Defined on all of
 * R^d in both directions.
 */
export class ActNorm extends Bijector {
  readonly logScale: tf.Variable<tf.Rank.R1>;
  readonly shift: tf.Variable<tf.Rank.R1>;
  readonly initializedFlag: tf.Variable<tf.Rank.R0>;
  /** The flag's data id when it was last seen set (see `initialized`). */
  private initializedData: object | undefined;

  constructor(options: { dim: number }) {
    assertPositiveInt('ActNorm', 'dim', options?.dim);
    super(options.dim);
    this.logScale = this.addVariable('logScale', tf.zeros([options.dim]) as tf.Tensor1D);
    this.shift = this.addVariable('shift', tf.zeros([options.dim]) as tf.Tensor1D);
    this.initializedFlag = this.addVariable('initialized', tf.scalar(0), false);
  }

  /** Whether the parameters have been set from data (read from the saved flag). */
  get initialized(): boolean {
    // A read forces a sync with the backend, so a set flag is remembered, but only for the value
    // it was read from: any assignment to the variable (a training loop restoring a snapshot after
    // a non-finite loss, loaded weights) gives it a new data id and the flag is read again.
    if (this.initializedData === this.initializedFlag.dataId) return true;
    if (this.initializedFlag.dataSync()[0] !== 1) return false;
    this.initializedData = this.initializedFlag.dataId;
    return true;
  }

  /** Set b and s so that `data` ([batch >= 2, dim]) maps to zero mean and unit variance per column. */
  initialize(data: tf.Tensor2D): void {
    assertMatrix('ActNorm.initialize', 'data', data, this.dim);
    if (data.shape[0] < 2) {
      throw new Error(`ActNorm.initialize: data must have at least 2 rows to estimate a variance; received shape [${data.shape.join(', ')}]`);
    }
    assertFinite('ActNorm.initialize', 'data', data);
    tf.tidy(() => {
      const { mean, variance } = batchMoments(data);
      this.shift.assign(tf.reshape(mean, [-1]) as tf.Tensor1D);
      this.logScale.assign(tf.reshape(tf.log(tf.add(tf.sqrt(variance), SD_FLOOR)), [-1]) as tf.Tensor1D);
      this.initializedFlag.assign(tf.scalar(1));
    });
    this.initializedData = this.initializedFlag.dataId;
  }

  private logDet(rows: number, sign: number): tf.Tensor1D {
    return tf.mul(tf.ones([rows]), tf.mul(sign, tf.sum(this.logScale))) as tf.Tensor1D;
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.add(tf.mul(x, tf.exp(this.logScale)), this.shift), logDet: this.logDet(x.shape[0], 1) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    if (!this.initialized) this.initialize(y);
    return { out: tf.mul(tf.sub(y, this.shift), tf.exp(tf.neg(this.logScale))), logDet: this.logDet(y.shape[0], -1) };
  }

  override toConfig(): ModuleConfig {
    return { type: 'ActNorm', dim: this.dim as number };
  }
}

registerModule('ActNorm', (c) => new ActNorm({ dim: c.dim as number }));
