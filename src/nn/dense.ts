import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { toRandom, type SeedLike } from '../random.js';
import { checkActivation, type Activation } from './activation.js';
import { uniformInit } from './init.js';
import { linearChain } from './linearKernel.js';
import { assertMatrix, assertPositiveInt } from '../validation.js';

export interface DenseOptions {
  /** Input width, or the widths of several inputs that the layer sums (e.g. [dim, contextDim]). */
  inputs: number | number[];
  outputs: number;
  activation?: Activation;
  /** Fixed 0/1 connectivity mask [inputs, outputs] of the (first) input (MADE). */
  mask?: tf.Tensor2D;
  /** One optional mask per input, when there are several. */
  masks?: (tf.Tensor2D | undefined)[];
  /** Scale of the initial weights relative to PyTorch's default (default 1). */
  initGain?: number;
  seed?: SeedLike;
}

/**
 * A fully connected layer y = act(sum_k x_k (W_k ⊙ M_k) + b), with x_k: [batch, in_k] and
 * W_k: [in_k, outputs]. With a mask it is MADE's masked layer (Germain et al. 2015): masked-out
 * weights act as zero and receive zero gradient. With several inputs (a variable and a context)
 * it equals one layer on their concatenation, without the concat. The computation and its
 * hand-written backward pass are in `linearKernel.ts`; networks that chain layers (MLP, MADE)
 * pass them to its `linearChain` together, as one node of the gradient tape.
 */
export class Dense extends Module {
  readonly inputWidths: number[];
  readonly outputs: number;
  readonly activation: Activation;
  readonly kernels: tf.Variable<tf.Rank.R2>[];
  readonly bias: tf.Variable<tf.Rank.R1>;
  /** Connectivity masks per input (not variables: they are rebuilt from the architecture). */
  readonly masks: (tf.Tensor2D | undefined)[];

  constructor(options: DenseOptions) {
    super();
    const widths = Array.isArray(options.inputs) ? options.inputs : [options.inputs];
    if (widths.length === 0) throw new Error('Dense: inputs must name at least one input width; received []');
    widths.forEach((w) => assertPositiveInt('Dense', 'inputs', w));
    assertPositiveInt('Dense', 'outputs', options.outputs);
    this.inputWidths = widths;
    this.outputs = options.outputs;
    this.activation = checkActivation('Dense', options.activation ?? 'linear');
    const masks = options.masks ?? [options.mask];
    masks.forEach((m, k) => {
      if (m && (m.shape[0] !== widths[k] || m.shape[1] !== options.outputs)) {
        throw new Error(`Dense: mask ${k} must have shape [${widths[k]}, ${options.outputs}]; received [${m.shape.join(', ')}]`);
      }
    });
    const random = toRandom(options.seed);
    const gain = options.initGain ?? 1;
    const fanIn = widths.reduce((s, w) => s + w, 0);
    this.kernels = widths.map((w, k) =>
      this.addVariable(k === 0 ? 'kernel' : `kernel${k}`, uniformInit([w, options.outputs], fanIn, random, gain) as tf.Tensor2D),
    );
    this.bias = this.addVariable('bias', uniformInit([options.outputs], fanIn, random, gain) as tf.Tensor1D);
    this.masks = widths.map((_, k) => (masks[k] ? tf.keep(tf.clone(masks[k]!)) : undefined));
  }

  /** Input width of a single-input layer (the first input's width otherwise). */
  get inputs(): number {
    return this.inputWidths[0];
  }

  /** The first kernel (the only one for a single-input layer). */
  get kernel(): tf.Variable<tf.Rank.R2> {
    return this.kernels[0];
  }

  /** The first mask. */
  get mask(): tf.Tensor2D | undefined {
    return this.masks[0];
  }

  /** Apply the layer: one [batch, in_k] tensor per input → [batch, outputs]. */
  apply(...xs: tf.Tensor2D[]): tf.Tensor2D {
    if (xs.length !== this.inputWidths.length) {
      throw new Error(`Dense.apply: expected ${this.inputWidths.length} input(s); received ${xs.length}`);
    }
    xs.forEach((x, k) => assertMatrix('Dense.apply', `input ${k}`, x, this.inputWidths[k]));
    return linearChain([this], xs);
  }

  override dispose(): void {
    super.dispose();
    this.masks.forEach((m) => m?.dispose());
  }
}
