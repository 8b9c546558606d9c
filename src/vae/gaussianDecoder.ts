import * as tf from '@tensorflow/tfjs';
import { Decoder, decoderNetwork, type DecoderOptions } from './decoder.js';
import type { ConditionedMLP } from './network.js';
import { LOG_2PI } from '../numerics.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';
import { assertMatrix } from '../validation.js';

export interface GaussianDecoderOptions extends DecoderOptions {
  /** Learn one standard deviation per output dimension (default false: fixed). */
  learnVariance?: boolean;
  /** The fixed standard deviation, or the initial one when learned (default 1). */
  sigma?: number;
}

/**
 * Gaussian likelihood p(x | z) = N(x; mu(z), diag sigma^2) for real-valued data:
 * log p(x | z) = sum_i [-1/2 ((x_i - mu_i) / sigma_i)^2 - log sigma_i - 1/2 log 2 pi].
 * sigma is fixed, or learned as one log standard deviation per output dimension.
 */
export class GaussianDecoder extends Decoder {
  /** log sigma per output dimension, [outputDim] (a variable, trainable when learned). */
  readonly logSigma: tf.Variable<tf.Rank.R1>;
  readonly learnVariance: boolean;

  constructor(net: ConditionedMLP, options: { learnVariance?: boolean; sigma?: number } = {}) {
    super(net, net.width);
    const sigma = options.sigma ?? 1;
    if (!(sigma > 0 && Number.isFinite(sigma))) throw new Error(`GaussianDecoder: sigma must be a finite number > 0; received ${sigma}`);
    this.learnVariance = options.learnVariance ?? false;
    this.logSigma = this.addVariable('logSigma', tf.fill([net.width], Math.log(sigma)) as tf.Tensor1D, this.learnVariance);
  }

  logLikelihood(x: tf.Tensor2D, z: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor1D {
    assertMatrix('GaussianDecoder.logLikelihood', 'x', x, this.outputDim);
    return tf.tidy(() => {
      const r = tf.mul(tf.sub(x, this.net.apply(z, condition)), tf.exp(tf.neg(this.logSigma)));
      return tf.sub(tf.mul(-0.5, tf.sum(tf.square(r), 1)), tf.add(tf.sum(this.logSigma), 0.5 * this.outputDim * LOG_2PI)) as tf.Tensor1D;
    });
  }

  /** mu(z). */
  mean(z: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.net.apply(z, condition));
  }

  toConfig(): ModuleConfig {
    return { type: 'GaussianDecoder', net: this.net.toConfig(), learnVariance: this.learnVariance };
  }
}

registerModule(
  'GaussianDecoder',
  (c) => new GaussianDecoder(moduleFromConfig(c.net as ModuleConfig), { learnVariance: c.learnVariance as boolean }),
);

/** A {@link GaussianDecoder}: latentDim → hidden (default [64, 256]) → outputDim means. */
export function gaussianDecoder(options: GaussianDecoderOptions): GaussianDecoder {
  return new GaussianDecoder(decoderNetwork(options), options);
}
