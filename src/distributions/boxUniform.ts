import * as tf from '@tensorflow/tfjs';
import { Distribution } from './distribution.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import type { Random } from '../random.js';

/**
 * Uniform on the box prod_i [low_i, high_i]: log p(x) = -sum_i log(high_i - low_i) inside, and
 * -Infinity outside (documented rule: points outside the support have zero density, no error).
 * Sampling is reparameterised in the bounds: x = low + (high - low) u, u ~ U(0, 1).
 * The usual prior of simulation-based inference (sbi's `BoxUniform`).
 */
export class BoxUniform extends Distribution {
  readonly low: number[];
  readonly high: number[];

  constructor(low: number[], high: number[]) {
    super(low.length);
    if (high.length !== low.length) {
      throw new Error(`BoxUniform: low and high must have the same length; received ${low.length} and ${high.length}`);
    }
    low.forEach((l, i) => {
      if (!(Number.isFinite(l) && Number.isFinite(high[i]) && high[i] > l)) {
        throw new Error(`BoxUniform: need finite low < high in every dimension; dimension ${i} has [${l}, ${high[i]}]`);
      }
    });
    this.low = [...low];
    this.high = [...high];
  }

  protected sampleRows(rows: number, random: Random): tf.Tensor2D {
    const u = tf.randomUniform([rows, this.dim], 0, 1, 'float32', random.nextSeed());
    const width = this.high.map((h, i) => h - this.low[i]);
    return tf.add(tf.tensor1d(this.low), tf.mul(tf.tensor1d(width), u));
  }

  protected logProbRows(x: tf.Tensor2D): tf.Tensor1D {
    const logVolume = this.high.reduce((s, h, i) => s + Math.log(h - this.low[i]), 0);
    // Masks by tf.step rather than comparisons, so that the op stays differentiable in x
    // (TF.js cannot differentiate through where(comparison)); step(0) = 0 keeps the box closed.
    const below = tf.step(tf.sub(tf.tensor1d(this.low), x));
    const above = tf.step(tf.sub(x, tf.tensor1d(this.high)));
    const outside = tf.minimum(tf.sum(tf.add(below, above), 1), 1);
    return tf.add(-logVolume, tf.log(tf.sub(1, outside))) as tf.Tensor1D;
  }

  override toConfig(): ModuleConfig {
    return { type: 'BoxUniform', low: this.low, high: this.high };
  }
}

registerModule('BoxUniform', (c) => new BoxUniform(c.low as number[], c.high as number[]));
