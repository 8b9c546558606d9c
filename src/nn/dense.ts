import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { toRandom, type SeedLike } from '../random.js';
import { activate, checkActivation, type Activation } from './activation.js';
import { uniformInit } from './init.js';
import { assertMatrix, assertPositiveInt } from '../validation.js';

export interface DenseOptions {
  inputs: number;
  outputs: number;
  activation?: Activation;
  /** Fixed 0/1 connectivity mask of shape [inputs, outputs] (MADE); the kernel is multiplied by it. */
  mask?: tf.Tensor2D;
  /** Scale of the initial weights relative to PyTorch's default (default 1). */
  initGain?: number;
  seed?: SeedLike;
}

/**
 * A fully connected layer y = act(x (W ⊙ M) + b), x: [batch, inputs], W: [inputs, outputs].
 * With a mask M it is the masked layer of MADE (Germain et al. 2015); masked-out weights stay
 * zero in effect and receive zero gradient.
 */
export class Dense extends Module {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: Activation;
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  /** The connectivity mask (not a variable: it is rebuilt from the architecture). */
  readonly mask: tf.Tensor2D | undefined;

  constructor(options: DenseOptions) {
    super();
    assertPositiveInt('Dense', 'inputs', options.inputs);
    assertPositiveInt('Dense', 'outputs', options.outputs);
    this.inputs = options.inputs;
    this.outputs = options.outputs;
    this.activation = checkActivation('Dense', options.activation ?? 'linear');
    if (options.mask && (options.mask.shape[0] !== options.inputs || options.mask.shape[1] !== options.outputs)) {
      throw new Error(
        `Dense: mask must have shape [${options.inputs}, ${options.outputs}]; received [${options.mask.shape.join(', ')}]`,
      );
    }
    const random = toRandom(options.seed);
    const gain = options.initGain ?? 1;
    this.kernel = this.addVariable('kernel', uniformInit([options.inputs, options.outputs], options.inputs, random, gain) as tf.Tensor2D);
    this.bias = this.addVariable('bias', uniformInit([options.outputs], options.inputs, random, gain) as tf.Tensor1D);
    this.mask = options.mask ? tf.keep(tf.clone(options.mask)) : undefined;
  }

  /** Apply the layer to x: [batch, inputs] → [batch, outputs]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    assertMatrix('Dense.apply', 'x', x, this.inputs);
    return tf.tidy(() => {
      const w = this.mask ? tf.mul(this.kernel, this.mask) : this.kernel;
      return activate(tf.add(tf.matMul(x, w), this.bias), this.activation) as tf.Tensor2D;
    });
  }

  override dispose(): void {
    super.dispose();
    this.mask?.dispose();
  }
}
