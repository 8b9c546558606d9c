import * as tf from '@tensorflow/tfjs';
import { Distribution, type SampleAndLogProb } from './distribution.js';
import { LOG_2PI } from '../numerics.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import type { Random } from '../random.js';

export interface DiagonalNormalOptions {
  dim: number;
  /** Initial mean: one value for all dimensions or one per dimension (default 0). */
  loc?: number | number[];
  /** Initial standard deviation, > 0 (default 1). */
  scale?: number | number[];
  /** Learn the mean and log standard deviation (default true). */
  trainable?: boolean;
}

/**
 * N(mu, diag(sigma^2)) with learnable mu and log sigma:
 * log p(x) = sum_i [ -0.5 ((x_i - mu_i) / sigma_i)^2 - log sigma_i - 0.5 log 2 pi ].
 * Sampling is reparameterised, x = mu + sigma * eps, so gradients reach mu and sigma.
 */
export class DiagonalNormal extends Distribution {
  readonly loc: tf.Variable<tf.Rank.R1>;
  readonly logScale: tf.Variable<tf.Rank.R1>;
  private readonly options: DiagonalNormalOptions;

  constructor(options: DiagonalNormalOptions) {
    super(options.dim);
    this.options = options;
    const fill = (v: number | number[], name: string): number[] => {
      const values = typeof v === 'number' ? new Array(options.dim).fill(v) : v;
      if (values.length !== options.dim) {
        throw new Error(`DiagonalNormal: ${name} must have ${options.dim} entries; received ${values.length}`);
      }
      return values;
    };
    const scale = fill(options.scale ?? 1, 'scale');
    if (scale.some((s) => !(s > 0))) throw new Error(`DiagonalNormal: scale must be > 0; received [${scale.join(', ')}]`);
    const trainable = options.trainable ?? true;
    this.loc = this.addVariable('loc', tf.tensor1d(fill(options.loc ?? 0, 'loc')), trainable);
    this.logScale = this.addVariable('logScale', tf.tensor1d(scale.map(Math.log)), trainable);
  }

  protected sampleRows(rows: number, random: Random): tf.Tensor2D {
    const eps = tf.randomNormal([rows, this.dim], 0, 1, 'float32', random.nextSeed());
    return tf.add(this.loc, tf.mul(tf.exp(this.logScale), eps));
  }

  protected logProbRows(x: tf.Tensor2D): tf.Tensor1D {
    const z = tf.div(tf.sub(x, this.loc), tf.exp(this.logScale));
    const perRow = tf.sum(tf.mul(-0.5, tf.square(z)), 1);
    return tf.sub(perRow, tf.add(tf.sum(this.logScale), 0.5 * this.dim * LOG_2PI)) as tf.Tensor1D;
  }

  protected override sampleRowsAndLogProb(rows: number, random: Random): SampleAndLogProb<tf.Tensor2D, tf.Tensor1D> {
    const eps = tf.randomNormal([rows, this.dim], 0, 1, 'float32', random.nextSeed()) as tf.Tensor2D;
    const sample = tf.add(this.loc, tf.mul(tf.exp(this.logScale), eps)) as tf.Tensor2D;
    const logProb = tf.sub(
      tf.sum(tf.mul(-0.5, tf.square(eps)), 1),
      tf.add(tf.sum(this.logScale), 0.5 * this.dim * LOG_2PI),
    ) as tf.Tensor1D;
    return { sample, logProb };
  }

  override toConfig(): ModuleConfig {
    return { type: 'DiagonalNormal', ...this.options } as unknown as ModuleConfig;
  }
}

registerModule('DiagonalNormal', (c) => new DiagonalNormal(c as unknown as DiagonalNormalOptions));
