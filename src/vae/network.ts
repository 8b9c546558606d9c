import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { Dense } from '../nn/dense.js';
import { linearChain } from '../nn/linearKernel.js';
import { checkActivation, type Activation } from '../nn/activation.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import { toRandom, type SeedLike } from '../random.js';
import { assertMatrix, assertPositiveInt } from '../validation.js';

export interface ConditionedMLPOptions {
  /** Width of the main input (an image for an encoder, z for a decoder). */
  inputs: number;
  /** Width of an optional condition (e.g. a one-hot label) entering the first layer (default 0). */
  conditionDim?: number;
  hidden: number[];
  /** Width of a final linear layer; omitted: the last hidden layer is the output. */
  outputs?: number;
  /** Activation of the hidden layers (default relu). */
  activation?: Activation;
  seed?: SeedLike;
}

/**
 * The networks of a VAE: h_1 = act(x W_1 + y V_1 + b_1), h_l = act(h_{l-1} W_l + b_l), then an
 * optional linear output layer. A condition y (a conditional VAE's label, Sohn et al. 2015)
 * enters the first layer through its own weights V_1 (a two-input Dense, equal to one layer on
 * the concatenation [x, y] without the slow concat). With no hidden layer and no output layer the
 * network is the identity (an encoder that reads x directly).
 */
export class ConditionedMLP extends Module {
  readonly inputs: number;
  readonly conditionDim: number;
  /** Width of the result. */
  readonly width: number;
  readonly layers: Dense[];
  private readonly config: ModuleConfig;

  constructor(options: ConditionedMLPOptions) {
    super();
    const where = 'ConditionedMLP';
    assertPositiveInt(where, 'inputs', options.inputs);
    const conditionDim = options.conditionDim ?? 0;
    if (conditionDim !== 0) assertPositiveInt(where, 'conditionDim', conditionDim);
    options.hidden.forEach((h) => assertPositiveInt(where, 'hidden width', h));
    if (options.outputs !== undefined) assertPositiveInt(where, 'outputs', options.outputs);
    const activation = checkActivation(where, options.activation ?? 'relu');
    const widths = [...options.hidden, ...(options.outputs !== undefined ? [options.outputs] : [])];
    if (widths.length === 0 && conditionDim > 0) {
      throw new Error(`${where}: a condition needs at least one layer to enter; received hidden = [] and no outputs`);
    }
    const random = toRandom(options.seed);
    this.layers = widths.map((outputs, i) => {
      const isOutput = options.outputs !== undefined && i === widths.length - 1;
      const inputs = i === 0 ? (conditionDim > 0 ? [options.inputs, conditionDim] : options.inputs) : widths[i - 1];
      return this.addModule(`layers.${i}`, new Dense({ inputs, outputs, activation: isOutput ? 'linear' : activation, seed: random.fork() }));
    });
    this.inputs = options.inputs;
    this.conditionDim = conditionDim;
    this.width = widths.length > 0 ? widths[widths.length - 1] : options.inputs;
    this.config = {
      type: 'ConditionedMLP',
      inputs: options.inputs,
      conditionDim,
      hidden: options.hidden,
      ...(options.outputs !== undefined ? { outputs: options.outputs } : {}),
      activation,
    };
  }

  /** [rows, inputs] (and [rows, conditionDim]) → [rows, width]. Call inside tf.tidy. */
  apply(x: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D {
    const where = 'ConditionedMLP.apply';
    assertMatrix(where, 'x', x, this.inputs);
    if (this.conditionDim > 0) {
      if (!condition) throw new Error(`${where}: this network is conditional and needs a condition of shape [${x.shape[0]}, ${this.conditionDim}]; received none`);
      assertMatrix(where, 'condition', condition, this.conditionDim);
      if (condition.shape[0] !== x.shape[0]) {
        throw new Error(`${where}: the condition must have one row per input row, [${x.shape[0]}, ${this.conditionDim}]; received [${condition.shape.join(', ')}]`);
      }
    }
    if (this.layers.length === 0) return tf.clone(x);
    return linearChain(this.layers, this.conditionDim > 0 ? [x, condition!] : [x]);
  }

  toConfig(): ModuleConfig {
    return this.config;
  }
}

registerModule('ConditionedMLP', (c) => new ConditionedMLP(c as unknown as ConditionedMLPOptions));
