import * as tf from '@tensorflow/tfjs';
import { Distribution, type SampleAndLogProb } from '../distributions/distribution.js';
import { Bijector } from '../bijectors/bijector.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';
import type { Random } from '../random.js';

/**
 * A normalizing flow: a base distribution p_Z and a bijector f that maps base to data,
 * X = f(Z). By the change of variables,
 *
 *   log q(x | c) = log p_Z(f^{-1}(x; c) | c) + log|det d f^{-1}(x; c) / dx|,
 *
 * which `logProb` computes with one inverse pass, while `sample` runs forward and
 * `sampleAndLogProb` gets both from one forward pass: log q(x) = log p_Z(z) - log|det df/dz|.
 * A flow is conditional when its bijector or its base takes a context; see `Distribution` for
 * the shapes. (Rezende & Mohamed 2015; Papamakarios et al. 2021, "Normalizing flows for
 * probabilistic modeling and inference".)
 */
export class Flow extends Distribution {
  readonly base: Distribution;
  readonly bijector: Bijector;

  constructor(base: Distribution, bijector: Bijector) {
    if (bijector.dim !== undefined && bijector.dim !== base.dim) {
      throw new Error(`Flow: the bijector has width ${bijector.dim} but the base distribution has dim ${base.dim}`);
    }
    if (base.contextDim > 0 && bijector.contextDim > 0 && base.contextDim !== bijector.contextDim) {
      throw new Error(
        `Flow: the base takes a context of width ${base.contextDim} but the bijector one of width ${bijector.contextDim}`,
      );
    }
    super(base.dim, Math.max(base.contextDim, bijector.contextDim));
    this.base = this.addModule('base', base);
    this.bijector = this.addModule('bijector', bijector);
  }

  protected sampleRows(rows: number, random: Random, context?: tf.Tensor2D): tf.Tensor2D {
    const z = this.baseSample(rows, random, context);
    return this.bijector.forward(z, context).out;
  }

  protected logProbRows(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor1D {
    const { out: z, logDet } = this.bijector.inverse(x, context);
    return tf.add(this.baseLogProb(z, context), logDet);
  }

  protected override sampleRowsAndLogProb(
    rows: number,
    random: Random,
    context?: tf.Tensor2D,
  ): SampleAndLogProb<tf.Tensor2D, tf.Tensor1D> {
    const base = this.base.contextDim > 0
      ? this.base.sampleAndLogProb(1, { seed: random, context: context! })
      : this.base.sampleAndLogProb(rows, { seed: random });
    const z = base.sample.reshape([rows, this.dim]) as tf.Tensor2D;
    const { out, logDet } = this.bijector.forward(z, context);
    return { sample: out, logProb: tf.sub(base.logProb.reshape([rows]), logDet) };
  }

  private baseSample(rows: number, random: Random, context?: tf.Tensor2D): tf.Tensor2D {
    if (this.base.contextDim === 0) return this.base.sample(rows, { seed: random });
    return this.base.sample(1, { seed: random, context: context! }).reshape([rows, this.dim]) as tf.Tensor2D;
  }

  private baseLogProb(z: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor1D {
    return this.base.contextDim > 0 ? this.base.logProb(z, context) : this.base.logProb(z);
  }

  override toConfig(): ModuleConfig {
    return { type: 'Flow', base: this.base.toConfig(), bijector: this.bijector.toConfig() };
  }
}

registerModule(
  'Flow',
  (c) => new Flow(moduleFromConfig<Distribution>(c.base as ModuleConfig), moduleFromConfig<Bijector>(c.bijector as ModuleConfig)),
);
