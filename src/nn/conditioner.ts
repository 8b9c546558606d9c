import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { toRandom, type SeedLike } from '../random.js';
import { Dense } from './dense.js';
import { linearChain } from './linearKernel.js';
import { checkActivation, type Activation } from './activation.js';
import { assertPositiveInt } from '../validation.js';

export interface ConditionerOptions {
  /** Width D of the transformed variable. */
  dim: number;
  /** Width of the context (default 0: none). */
  contextDim?: number;
  /** Hidden widths (default [64, 64]). */
  hidden?: number[];
  /** Parameters produced per dimension of the variable. */
  paramsPerDim: number;
  activation?: Activation;
  /** Initial scale of the output layer relative to the default (default 1). */
  outputInitGain?: number;
  /**
   * Optional 0/1 connectivity masks, one per layer: [D, hidden[0]], [hidden[l-1], hidden[l]], ...,
   * [hidden[last], paramsPerDim * D]. MADE and coupling layers restrict dependencies with them.
   */
  masks?: (tf.Tensor2D | undefined)[];
  seed?: SeedLike;
}

/**
 * The network that computes a transform's parameters from the variable (and a context):
 * h_1 = act(x (W_1 ⊙ M_1) + c V + b_1), h_l = act(h_{l-1} (W_l ⊙ M_l) + b_l),
 * params = h_L (W_out ⊙ M_out) + b_out, reshaped to `[batch, paramsPerDim, D]` so that entry
 * [:, k, i] is parameter k of dimension i. The context enters the first layer through its own
 * unmasked weights V (a two-input Dense) instead of a concatenation, which is slow on wasm.
 */
export class ConditionerNet extends Module {
  readonly dim: number;
  readonly contextDim: number;
  readonly paramsPerDim: number;
  protected readonly inputLayer: Dense;
  protected readonly hiddenLayers: Dense[];
  protected readonly outputLayer: Dense;

  constructor(options: ConditionerOptions) {
    super();
    const D = options.dim;
    const where = new.target.name;
    assertPositiveInt(where, 'dim', D);
    assertPositiveInt(where, 'paramsPerDim', options.paramsPerDim);
    const hidden = options.hidden ?? [64, 64];
    if (hidden.length === 0) throw new Error(`${where}: needs at least one hidden layer; received hidden = []`);
    hidden.forEach((h) => assertPositiveInt(where, 'hidden width', h));
    const masks = options.masks;
    if (masks && masks.length !== hidden.length + 1) {
      throw new Error(`${where}: needs ${hidden.length + 1} masks (one per layer); received ${masks.length}`);
    }
    this.dim = D;
    this.contextDim = options.contextDim ?? 0;
    this.paramsPerDim = options.paramsPerDim;
    const activation = checkActivation(where, options.activation ?? 'relu');
    const random = toRandom(options.seed);

    this.inputLayer = this.addModule(
      'input',
      new Dense({
        inputs: this.contextDim > 0 ? [D, this.contextDim] : D,
        masks: [masks?.[0], undefined],
        outputs: hidden[0],
        activation,
        seed: random.fork(),
      }),
    );
    this.hiddenLayers = hidden.slice(1).map((h, l) =>
      this.addModule(
        `hidden.${l}`,
        new Dense({ inputs: hidden[l], outputs: h, activation, mask: masks?.[l + 1], seed: random.fork() }),
      ),
    );
    this.outputLayer = this.addModule(
      'output',
      new Dense({
        inputs: hidden[hidden.length - 1],
        outputs: D * options.paramsPerDim,
        mask: masks?.[hidden.length],
        initGain: options.outputInitGain,
        seed: random.fork(),
      }),
    );
  }

  /** x: [batch, D], context: [batch, contextDim] → parameters [batch, paramsPerDim, D]. */
  apply(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      if (this.contextDim > 0 && !context) {
        throw new Error(`${this.constructor.name}.apply: a context of shape [${x.shape[0]}, ${this.contextDim}] is required`);
      }
      // The whole network is one node of the gradient tape (see linearKernel.ts).
      const layers = [this.inputLayer, ...this.hiddenLayers, this.outputLayer];
      const params = linearChain(layers, this.contextDim > 0 ? [x, context!] : [x]);
      return tf.reshape(params, [x.shape[0], this.paramsPerDim, this.dim]);
    });
  }
}
