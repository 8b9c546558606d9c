import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';

/**
 * A fixed shift y = x + t, log|det J| = 0. `t` is one number for every column (any width) or
 * one per column (width fixed to its length). Not trained: for a learnable shift and scale use
 * `ElementwiseAffine`. Defined on all of R^d in both directions.
 */
export class Shift extends Bijector {
  readonly shift: number | readonly number[];
  private readonly t: tf.Tensor;

  constructor(shift: number | number[]) {
    const values = Array.isArray(shift) ? shift : [shift];
    if (values.length === 0 || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new Error(`Shift: shift must be a finite number or a non-empty array of finite numbers; received ${JSON.stringify(shift)}`);
    }
    super(Array.isArray(shift) ? shift.length : undefined);
    this.shift = Array.isArray(shift) ? [...shift] : shift;
    this.t = tf.keep(Array.isArray(shift) ? tf.tensor1d(shift) : tf.scalar(shift));
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.add(x, this.t), logDet: tf.zeros([x.shape[0]]) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return { out: tf.sub(y, this.t), logDet: tf.zeros([y.shape[0]]) };
  }

  override dispose(): void {
    super.dispose();
    this.t.dispose();
  }

  override toConfig(): ModuleConfig {
    return { type: 'Shift', shift: Array.isArray(this.shift) ? [...this.shift] : (this.shift as number) };
  }
}

registerModule('Shift', (c) => new Shift(c.shift as number | number[]));
