import * as tf from '@tensorflow/tfjs';
import { Distribution, type SampleAndLogProb } from './distribution.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';
import type { Random } from '../random.js';

/**
 * Independent joint of unconditional distributions over consecutive blocks of columns:
 * p(x) = prod_k p_k(x_[block k]). With one-dimensional parts it is a product prior such as
 * "log r uniform, sigma half-normal" (sbi's `MultipleIndependent`).
 */
export class JointIndependent extends Distribution {
  readonly parts: readonly Distribution[];

  constructor(parts: Distribution[]) {
    if (parts.length === 0) throw new Error('JointIndependent: needs at least one part; received none');
    const conditional = parts.find((p) => p.contextDim > 0);
    if (conditional) throw new Error(`JointIndependent: parts must be unconditional; ${conditional.name} takes a context`);
    super(parts.reduce((s, p) => s + p.dim, 0));
    this.parts = parts;
    parts.forEach((p, i) => this.addModule(String(i), p));
  }

  protected sampleRows(rows: number, random: Random): tf.Tensor2D {
    return tf.concat(this.parts.map((p) => p.sample(rows, { seed: random.fork() })), 1);
  }

  protected logProbRows(x: tf.Tensor2D): tf.Tensor1D {
    let offset = 0;
    const terms = this.parts.map((p) => {
      const block = tf.slice(x, [0, offset], [-1, p.dim]);
      offset += p.dim;
      return p.logProb(block);
    });
    return tf.addN(terms);
  }

  protected override sampleRowsAndLogProb(rows: number, random: Random): SampleAndLogProb<tf.Tensor2D, tf.Tensor1D> {
    const parts = this.parts.map((p) => p.sampleAndLogProb(rows, { seed: random.fork() }));
    return { sample: tf.concat(parts.map((r) => r.sample), 1), logProb: tf.addN(parts.map((r) => r.logProb)) };
  }

  override toConfig(): ModuleConfig {
    return { type: 'JointIndependent', parts: this.parts.map((p) => p.toConfig()) };
  }
}

registerModule('JointIndependent', (c) => new JointIndependent((c.parts as ModuleConfig[]).map((p) => moduleFromConfig<Distribution>(p))));
