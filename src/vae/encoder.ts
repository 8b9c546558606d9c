import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import type { Distribution } from '../distributions/distribution.js';
import { ConditionedMLP } from './network.js';
import type { ModuleConfig } from '../io/registry.js';
import type { SeedLike } from '../random.js';
import { tidy } from '../util/tidy.js';
import { repeatRows } from '../distributions/distribution.js';
import { assertMatrix, assertPositiveInt } from '../validation.js';

/** Reparameterised posterior draws and their log density. */
export interface EncoderSample {
  /** z ~ q(z | x): [batch, samples, latentDim]. */
  z: tf.Tensor3D;
  /** log q(z | x) of each draw: [batch, samples]. */
  logq: tf.Tensor2D;
}

/**
 * A VAE encoder, the amortised posterior q(z | x) (Kingma & Welling 2014): a network (the trunk)
 * computes a feature vector h(x) (of x and a condition y in a conditional VAE), and a
 * distribution conditional on h, the `posterior`, gives q(z | x) = posterior(z | h(x)).
 * With a diagonal Gaussian posterior this is the classic encoder ({@link GaussianEncoder}); with a
 * conditional flow it is a flow posterior ({@link FlowEncoder}), and every method below stays the
 * same, which makes the swap one line. `sampleAndLogProb` runs the posterior's one-pass
 * reparameterised `sampleAndLogProb`: for a flow, log q(z_K | x) = log q_0(z_0 | x) - sum_k
 * log|det df_k/dz_{k-1}|.
 */
export abstract class Encoder extends Module {
  readonly trunk: ConditionedMLP;
  readonly posterior: Distribution;
  readonly inputDim: number;
  readonly latentDim: number;
  readonly conditionDim: number;

  protected constructor(trunk: ConditionedMLP, posterior: Distribution) {
    super();
    if (posterior.contextDim !== trunk.width) {
      throw new Error(
        `${new.target.name}: the posterior must take the trunk's features h(x) as context, width ${trunk.width}; its contextDim is ${posterior.contextDim}`,
      );
    }
    this.trunk = this.addModule('trunk', trunk);
    this.posterior = this.addModule('posterior', posterior);
    this.inputDim = trunk.inputs;
    this.latentDim = posterior.dim;
    this.conditionDim = trunk.conditionDim;
  }

  /** The feature vector h(x) (of x and the condition), [batch, featureDim]. */
  features(x: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.trunk.apply(x, condition));
  }

  /** Draw `samples` z per row of x with log q(z | x), in one differentiable pass. */
  sampleAndLogProb(x: tf.Tensor2D, samples = 1, seed?: SeedLike, condition?: tf.Tensor2D): EncoderSample {
    assertMatrix(`${this.constructor.name}.sampleAndLogProb`, 'x', x, this.inputDim);
    return tidy(() => this.sampleFromFeatures(this.features(x, condition), samples, seed));
  }

  /** Like {@link sampleAndLogProb}, from features h already computed. */
  sampleFromFeatures(h: tf.Tensor2D, samples = 1, seed?: SeedLike): EncoderSample {
    assertPositiveInt(`${this.constructor.name}.sampleAndLogProb`, 'samples', samples);
    return tidy(() => {
      // The same draws as posterior.sampleAndLogProb(samples, { context: h }), with h repeated by
      // a fast broadcast instead of the distribution's tile.
      const b = h.shape[0];
      const r = this.posterior.sampleAndLogProb(1, { context: repeatRows(h, samples), seed });
      return { z: tf.reshape(r.sample, [b, samples, this.latentDim]) as tf.Tensor3D, logq: tf.reshape(r.logProb, [b, samples]) as tf.Tensor2D };
    });
  }

  /** log q(z | x) of given latent rows z, [batch, latentDim], paired with the rows of x. */
  logProb(z: tf.Tensor2D, x: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.posterior.logProb(z, this.features(x, condition)));
  }

  /**
   * A point summary of q(z | x) for plots, [batch, latentDim]: the mean for a Gaussian encoder;
   * for a flow encoder, the base mean pushed through the flow.
   */
  abstract mean(x: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D;

  /** The architecture as JSON (for saving with the VAE). */
  abstract toConfig(): ModuleConfig;
}
