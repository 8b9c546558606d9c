import * as tf from '@tensorflow/tfjs';
import { Distribution, type SampleAndLogProb } from './distribution.js';
import { standardNormalLogProb } from '../numerics.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import type { Random } from '../random.js';

/** N(0, I_dim): log p(x) = -0.5 (|x|^2 + dim log 2 pi). The default base of every flow. */
export class StandardNormal extends Distribution {
  constructor(dim: number) {
    super(dim);
  }

  protected sampleRows(rows: number, random: Random): tf.Tensor2D {
    return tf.randomNormal([rows, this.dim], 0, 1, 'float32', random.nextSeed());
  }

  protected logProbRows(x: tf.Tensor2D): tf.Tensor1D {
    return standardNormalLogProb(x);
  }

  protected override sampleRowsAndLogProb(rows: number, random: Random): SampleAndLogProb<tf.Tensor2D, tf.Tensor1D> {
    const sample = this.sampleRows(rows, random);
    return { sample, logProb: standardNormalLogProb(sample) };
  }

  override toConfig(): ModuleConfig {
    return { type: 'StandardNormal', dim: this.dim };
  }
}

registerModule('StandardNormal', (c) => new StandardNormal(c.dim as number));
