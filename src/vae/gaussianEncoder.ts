import * as tf from '@tensorflow/tfjs';
import { Encoder } from './encoder.js';
import { ConditionedMLP } from './network.js';
import { ConditionalDiagonalNormal } from './conditionalDiagonalNormal.js';
import type { Activation } from '../nn/activation.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';
import { toRandom, type SeedLike } from '../random.js';

/** What every encoder builder takes. */
export interface EncoderOptions {
  /** Width of the data x (784 for MNIST). */
  inputDim: number;
  latentDim: number;
  /** Hidden widths of the trunk x → h(x) (default [256, 64]); [] reads x directly. */
  hidden?: number[];
  activation?: Activation;
  /** Width of a condition (one-hot label) of a conditional VAE (default 0). */
  conditionDim?: number;
  seed?: SeedLike;
}

/** The trunk network of an encoder. */
export function encoderTrunk(options: EncoderOptions, seed: SeedLike): ConditionedMLP {
  return new ConditionedMLP({
    inputs: options.inputDim,
    conditionDim: options.conditionDim,
    hidden: options.hidden ?? [256, 64],
    activation: options.activation,
    seed,
  });
}

/**
 * The classic VAE encoder (Kingma & Welling 2014): an MLP trunk h(x) and a linear head giving the
 * mean and log standard deviation of q(z | x) = N(mu(x), diag sigma(x)^2), with the analytic
 * KL(q(z | x) || N(0, I)) = 1/2 sum (mu^2 + sigma^2 - 1 - 2 log sigma) ({@link klToPrior}).
 */
export class GaussianEncoder extends Encoder {
  declare readonly posterior: ConditionalDiagonalNormal;

  constructor(trunk: ConditionedMLP, posterior: ConditionalDiagonalNormal) {
    super(trunk, posterior);
  }

  /** KL(q(z | x) || N(0, I)) per row of x, in closed form. */
  klToPrior(x: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.posterior.klToStandardNormal(this.features(x, condition)));
  }

  /** mu(x). */
  mean(x: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.posterior.parameters(this.features(x, condition)).loc);
  }

  toConfig(): ModuleConfig {
    return { type: 'GaussianEncoder', trunk: this.trunk.toConfig(), posterior: this.posterior.toConfig() };
  }
}

registerModule(
  'GaussianEncoder',
  (c) => new GaussianEncoder(moduleFromConfig(c.trunk as ModuleConfig), moduleFromConfig(c.posterior as ModuleConfig)),
);

/** A {@link GaussianEncoder}: trunk inputDim → hidden (default [256, 64]) → (mu, log sigma). */
export function gaussianEncoder(options: EncoderOptions): GaussianEncoder {
  const random = toRandom(options.seed);
  const trunk = encoderTrunk(options, random.fork());
  return new GaussianEncoder(trunk, new ConditionalDiagonalNormal({ dim: options.latentDim, contextDim: trunk.width, seed: random.fork() }));
}
