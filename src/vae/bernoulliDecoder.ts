import * as tf from '@tensorflow/tfjs';
import { Decoder, decoderNetwork, type DecoderOptions } from './decoder.js';
import type { ConditionedMLP } from './network.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';
import { assertMatrix } from '../validation.js';

/**
 * Bernoulli likelihood for binary data (Kingma & Welling 2014, appendix C.1): the network gives
 * logits l(z), and log p(x | z) = sum_i [x_i l_i - softplus(l_i)] (the negative binary
 * cross-entropy with logits; TF.js's softplus kernel uses the stable form, one op on the
 * [rows, 784] logits, which matters for importance sampling with thousands of draws).
 */
export class BernoulliDecoder extends Decoder {
  constructor(net: ConditionedMLP) {
    super(net, net.width);
  }

  /** The logits l(z), [rows, outputDim]. */
  logits(z: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.net.apply(z, condition));
  }

  logLikelihood(x: tf.Tensor2D, z: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor1D {
    assertMatrix('BernoulliDecoder.logLikelihood', 'x', x, this.outputDim);
    return tf.tidy(() => {
      const l = this.net.apply(z, condition);
      const softplus = tf.softplus(l);
      return tf.sum(tf.sub(tf.mul(x, l), softplus), 1) as tf.Tensor1D;
    });
  }

  /** Pixel probabilities sigmoid(l(z)). */
  mean(z: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(this.net.apply(z, condition)));
  }

  toConfig(): ModuleConfig {
    return { type: 'BernoulliDecoder', net: this.net.toConfig() };
  }
}

registerModule('BernoulliDecoder', (c) => new BernoulliDecoder(moduleFromConfig(c.net as ModuleConfig)));

/** A {@link BernoulliDecoder}: latentDim → hidden (default [64, 256], ReLU) → outputDim logits. */
export function bernoulliDecoder(options: DecoderOptions): BernoulliDecoder {
  return new BernoulliDecoder(decoderNetwork(options));
}
