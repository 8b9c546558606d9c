import type * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { ConditionedMLP } from './network.js';
import type { Activation } from '../nn/activation.js';
import type { ModuleConfig } from '../io/registry.js';
import type { SeedLike } from '../random.js';

/** What every decoder builder takes. */
export interface DecoderOptions {
  latentDim: number;
  /** Width of the data x (784 for MNIST). */
  outputDim: number;
  /** Hidden widths of z → x (default [64, 256]); [] gives a linear decoder. */
  hidden?: number[];
  activation?: Activation;
  /** Width of a condition (one-hot label) for a conditional VAE (default 0). */
  conditionDim?: number;
  seed?: SeedLike;
}

/** The network of a decoder: z (and the condition) → the parameters of p(x | z). */
export function decoderNetwork(options: DecoderOptions, outputs = options.outputDim): ConditionedMLP {
  return new ConditionedMLP({
    inputs: options.latentDim,
    conditionDim: options.conditionDim,
    hidden: options.hidden ?? [64, 256],
    outputs,
    activation: options.activation,
    seed: options.seed,
  });
}

/**
 * A VAE decoder, the likelihood p(x | z) (or p(x | z, y) in a conditional VAE, Sohn et al. 2015,
 * where the one-hot label y enters the network's first layer beside z).
 */
export abstract class Decoder extends Module {
  readonly net: ConditionedMLP;
  readonly latentDim: number;
  readonly outputDim: number;
  readonly conditionDim: number;

  protected constructor(net: ConditionedMLP, outputDim: number) {
    super();
    this.net = this.addModule('net', net);
    this.latentDim = net.inputs;
    this.outputDim = outputDim;
    this.conditionDim = net.conditionDim;
  }

  /** log p(x | z) per row: x [rows, outputDim] paired with z [rows, latentDim]. */
  abstract logLikelihood(x: tf.Tensor2D, z: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor1D;

  /** E[x | z] (pixel probabilities for a Bernoulli decoder), [rows, outputDim]. */
  abstract mean(z: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D;

  abstract toConfig(): ModuleConfig;
}
