import type * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { toRandom, type SeedLike } from '../random.js';
import { Dense } from './dense.js';
import { linearChain } from './linearKernel.js';
import { checkActivation, type Activation } from './activation.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';

export interface MLPOptions {
  inputs: number;
  hidden: number[];
  outputs: number;
  /** Activation of the hidden layers (default relu). */
  activation?: Activation;
  /** Activation of the output layer (default linear). */
  outputActivation?: Activation;
  /** Initial scale of the output layer relative to the default (default 1). */
  outputInitGain?: number;
  seed?: SeedLike;
}

/** A multilayer perceptron (usable as an `Embedding`): Dense layers inputs → hidden[0] → ... → outputs. */
export class MLP extends Module {
  readonly layers: Dense[];
  readonly inputs: number;
  readonly outputs: number;
  /** The same widths under the names of the {@link Embedding} interface. */
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly config: ModuleConfig;

  constructor(options: MLPOptions) {
    super();
    const activation = checkActivation('MLP', options.activation ?? 'relu');
    const outputActivation = checkActivation('MLP', options.outputActivation ?? 'linear');
    const random = toRandom(options.seed);
    const sizes = [options.inputs, ...options.hidden, options.outputs];
    this.layers = sizes.slice(1).map((outputs, i) => {
      const last = i === sizes.length - 2;
      return this.addModule(
        `layers.${i}`,
        new Dense({
          inputs: sizes[i],
          outputs,
          activation: last ? outputActivation : activation,
          initGain: last ? options.outputInitGain : 1,
          seed: random.fork(),
        }),
      );
    });
    this.inputs = options.inputs;
    this.outputs = options.outputs;
    this.inputDim = options.inputs;
    this.outputDim = options.outputs;
    this.config = {
      type: 'MLP',
      inputs: options.inputs,
      hidden: options.hidden,
      outputs: options.outputs,
      activation,
      outputActivation,
      outputInitGain: options.outputInitGain ?? 1,
    };
  }

  /** [batch, inputs] → [batch, outputs]. Call inside tf.tidy (intermediates are not disposed here). */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return linearChain(this.layers, [x]);
  }

  toConfig(): ModuleConfig {
    return this.config;
  }
}

registerModule('MLP', (c) => new MLP(c as unknown as MLPOptions));
