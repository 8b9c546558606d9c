import * as tf from '@tensorflow/tfjs';
import { Distribution, type SampleAndLogProb } from '../distributions/distribution.js';
import { Dense } from '../nn/dense.js';
import { LOG_2PI } from '../numerics.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import type { Random, SeedLike } from '../random.js';
import { tidy } from '../util/tidy.js';
import { assertMatrix, assertPositiveInt } from '../validation.js';

export interface ConditionalDiagonalNormalOptions {
  dim: number;
  /** Width of the context h the parameters are computed from. */
  contextDim: number;
  seed?: SeedLike;
}

/**
 * A diagonal Gaussian whose parameters come from a context h through one linear layer:
 * [mu(h), log sigma(h)] = h W + b, q(z | h) = N(z; mu(h), diag sigma(h)^2). It is the
 * Gaussian posterior of a VAE encoder (Kingma & Welling 2014) with h the encoder's last hidden
 * layer, and the base q_0(z_0 | x) of a flow posterior (Rezende & Mohamed 2015). Sampling is
 * reparameterised, z = mu + sigma ⊙ eps, and `sampleAndLogProb` gives
 * log q = -1/2 |eps|^2 - sum_i log sigma_i - d/2 log 2 pi in the same pass.
 */
export class ConditionalDiagonalNormal extends Distribution {
  readonly head: Dense;

  constructor(options: ConditionalDiagonalNormalOptions) {
    assertPositiveInt('ConditionalDiagonalNormal', 'contextDim', options.contextDim);
    super(options.dim, options.contextDim);
    this.head = this.addModule('head', new Dense({ inputs: options.contextDim, outputs: 2 * options.dim, seed: options.seed }));
  }

  /** mu and log sigma per context row, [rows, dim] each (new tensors; the caller disposes them). */
  parameters(context: tf.Tensor2D): { loc: tf.Tensor2D; logScale: tf.Tensor2D } {
    assertMatrix('ConditionalDiagonalNormal.parameters', 'context', context, this.contextDim);
    return tidy(() => {
      const p = this.head.apply(context);
      return { loc: tf.slice(p, [0, 0], [-1, this.dim]), logScale: tf.slice(p, [0, this.dim], [-1, this.dim]) };
    });
  }

  /** KL(q(z | h) || N(0, I)) = 1/2 sum_i (mu_i^2 + sigma_i^2 - 1 - 2 log sigma_i), per context row. */
  klToStandardNormal(context: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const { loc, logScale } = this.parameters(context);
      const terms = tf.sub(tf.add(tf.square(loc), tf.exp(tf.mul(2, logScale))), tf.add(1, tf.mul(2, logScale)));
      return tf.mul(0.5, tf.sum(terms, 1)) as tf.Tensor1D;
    });
  }

  protected sampleRows(rows: number, random: Random, context?: tf.Tensor2D): tf.Tensor2D {
    return this.sampleRowsAndLogProb(rows, random, context).sample;
  }

  protected logProbRows(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor1D {
    const { loc, logScale } = this.parameters(context!);
    const eps = tf.mul(tf.sub(x, loc), tf.exp(tf.neg(logScale)));
    return logDensity(eps, logScale);
  }

  protected override sampleRowsAndLogProb(rows: number, random: Random, context?: tf.Tensor2D): SampleAndLogProb<tf.Tensor2D, tf.Tensor1D> {
    const { loc, logScale } = this.parameters(context!);
    const eps = tf.randomNormal([rows, this.dim], 0, 1, 'float32', random.nextSeed()) as tf.Tensor2D;
    return { sample: tf.add(loc, tf.mul(tf.exp(logScale), eps)), logProb: logDensity(eps, logScale) };
  }

  override toConfig(): ModuleConfig {
    return { type: 'ConditionalDiagonalNormal', dim: this.dim, contextDim: this.contextDim };
  }
}

/** -1/2 |eps|^2 - sum log sigma - d/2 log 2 pi per row. */
function logDensity(eps: tf.Tensor, logScale: tf.Tensor2D): tf.Tensor1D {
  const d = logScale.shape[1];
  return tf.sub(tf.mul(-0.5, tf.sum(tf.square(eps), 1)), tf.add(tf.sum(logScale, 1), 0.5 * d * LOG_2PI)) as tf.Tensor1D;
}

registerModule('ConditionalDiagonalNormal', (c) => new ConditionalDiagonalNormal({ dim: c.dim as number, contextDim: c.contextDim as number }));
