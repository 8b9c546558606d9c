import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';

/**
 * A fixed positive scale y = s x, s > 0, stored as log s: log|det J| = sum_i log s_i per row
 * (d log s for one s shared by d columns). `s` is one number for every column (any width) or one
 * per column (width fixed to its length). Not trained: for a learnable map use
 * `ElementwiseAffine`. Defined on all of R^d in both directions.
 */
export class Scale extends Bijector {
  readonly scale: number | readonly number[];
  private readonly s: tf.Tensor;

  constructor(scale: number | number[]) {
    const values = Array.isArray(scale) ? scale : [scale];
    if (values.length === 0 || values.some((v) => typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))) {
      throw new Error(`Scale: scale must be a positive finite number or a non-empty array of them; received ${JSON.stringify(scale)}`);
    }
    super(Array.isArray(scale) ? scale.length : undefined);
    this.scale = Array.isArray(scale) ? [...scale] : scale;
    this.s = tf.keep(Array.isArray(scale) ? tf.tensor1d(scale) : tf.scalar(scale));
  }

  /** sum_i log s_i over the columns of x, times sign, for every row. */
  private logDet(x: tf.Tensor2D, sign: number): tf.Tensor1D {
    const [rows, width] = x.shape;
    const total = Array.isArray(this.scale) ? this.scale.reduce((a, v) => a + Math.log(v), 0) : width * Math.log(this.scale as number);
    return tf.fill([rows], sign * total);
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.mul(x, this.s), logDet: this.logDet(x, 1) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return { out: tf.div(y, this.s), logDet: this.logDet(y, -1) };
  }

  override dispose(): void {
    super.dispose();
    this.s.dispose();
  }

  override toConfig(): ModuleConfig {
    return { type: 'Scale', scale: Array.isArray(this.scale) ? [...this.scale] : (this.scale as number) };
  }
}

registerModule('Scale', (c) => new Scale(c.scale as number | number[]));
