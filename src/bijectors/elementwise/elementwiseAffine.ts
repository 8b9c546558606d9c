import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { assertPositiveInt } from '../../validation.js';

export interface ElementwiseAffineOptions {
  dim: number;
  /** Initial shift t: one number for all columns or one per column (default 0). */
  shift?: number | number[];
  /** Initial positive scale exp(s): one number or one per column (default 1); stored as s = log scale. */
  scale?: number | number[];
  /** Whether t and s are trained (default true); fixed values are still saved with the weights. */
  trainable?: boolean;
}

function perColumn(where: string, name: string, v: number | number[] | undefined, dim: number, fallback: number): number[] {
  const values = v === undefined ? new Array(dim).fill(fallback) : Array.isArray(v) ? v : new Array(dim).fill(v);
  if (values.length !== dim || values.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new Error(`${where}: ${name} must be a finite number or ${dim} finite numbers; received ${JSON.stringify(v)}`);
  }
  return values;
}

/**
 * A learnable per-dimension affine map y = x exp(s) + t with log|det J| = sum_i s_i per row
 * (the "elementwise affine" layer of Dinh et al. 2017 and of Glow's ActNorm without its
 * data-dependent initialisation). Both variables are saved; they are trained unless
 * `trainable: false`. Defined on all of R^d in both directions.
 */
export class ElementwiseAffine extends Bijector {
  readonly logScale: tf.Variable<tf.Rank.R1>;
  readonly shift: tf.Variable<tf.Rank.R1>;
  readonly trainable: boolean;

  constructor(options: ElementwiseAffineOptions) {
    assertPositiveInt('ElementwiseAffine', 'dim', options?.dim);
    const dim = options.dim;
    const shift = perColumn('ElementwiseAffine', 'shift', options.shift, dim, 0);
    const scale = perColumn('ElementwiseAffine', 'scale', options.scale, dim, 1);
    if (scale.some((v) => !(v > 0))) {
      throw new Error(`ElementwiseAffine: scale must be positive; received ${JSON.stringify(options.scale)}`);
    }
    super(dim);
    this.trainable = options.trainable ?? true;
    this.shift = this.addVariable('shift', tf.tensor1d(shift), this.trainable);
    this.logScale = this.addVariable('logScale', tf.tensor1d(scale.map(Math.log)), this.trainable);
  }

  private logDet(rows: number, sign: number): tf.Tensor1D {
    return tf.mul(tf.ones([rows]), tf.mul(sign, tf.sum(this.logScale))) as tf.Tensor1D;
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.add(tf.mul(x, tf.exp(this.logScale)), this.shift), logDet: this.logDet(x.shape[0], 1) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return { out: tf.mul(tf.sub(y, this.shift), tf.exp(tf.neg(this.logScale))), logDet: this.logDet(y.shape[0], -1) };
  }

  override toConfig(): ModuleConfig {
    return { type: 'ElementwiseAffine', dim: this.dim as number, trainable: this.trainable };
  }
}

registerModule('ElementwiseAffine', (c) => new ElementwiseAffine({ dim: c.dim as number, trainable: c.trainable as boolean }));
