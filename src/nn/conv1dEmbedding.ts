import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { toRandom, type SeedLike } from '../random.js';
import { Dense } from './dense.js';
import { meanRows } from './meanRows.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import { assertMatrix, assertPositiveInt } from '../validation.js';

export interface Conv1DEmbeddingOptions {
  /** Length T of the input series (one channel). */
  length: number;
  /** Output channels of each convolution layer (default [16, 32]). */
  channels?: number[];
  /** Kernel width of every layer (default 5). */
  kernel?: number;
  /** Width of the output feature vector (default 32). */
  outputs?: number;
  /** Stride of each layer over time (default [2, 1]: the first layer halves the length). */
  stride?: number[];
  seed?: SeedLike;
}

/**
 * A 1-D convolutional embedding of a time series (as in sbi's CNN embedding nets): valid
 * convolutions with ReLU and a stride per layer, then global pooling over time (mean and root
 * mean square), then a dense layer.
 *
 *   h_l[t, c] = relu( sum_{j<k} sum_{c'} h_{l-1}[s_l t + j, c'] W_l[j, c', c] + b_l[c] ),
 *   features = relu(Dense([mean_t h_L[t, :], sqrt(mean_t h_L[t, :]^2)])).
 *
 * TF.js on wasm has no gradient kernel for convolution filters, so each layer is a sum over the
 * k taps of 2-D products of shifted slices: one multi-input `Dense` (fast matmul path and
 * hand-written backward). Activations are kept time-major, [time, batch * channels], so that each
 * tap is a slice of whole rows (a batch-major slice along time copies row by row on wasm: it made
 * this layer 5x slower); with stride s the rows are first grouped s at a time, so tap j is the
 * column block j mod s of the grouped rows from floor(j / s) on. The first layer (one channel)
 * stacks its taps into one [*, k] matrix (im2col): one fused product instead of k outer products.
 * That matrix comes from the batch-major input by one product with a fixed 0/1 selection matrix
 * [T, out k] and one transpose (4 kernels instead of about 30 slices, reshapes and concats).
 * Striding the first layer replaced average pooling after it: the same halving of the length,
 * half the work of the first layer, and no pooling ops (they cost a sixth of the step).
 * Input: [batch, T]; output: [batch, outputs].
 */
export class Conv1DEmbedding extends Module {
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly kernel: number;
  private readonly channels: number[];
  private readonly stride: number[];
  private readonly layers: Dense[];
  private readonly head: Dense;
  /** Column t k + j picks x[:, s t + j] (the first layer's im2col); fixed, not a variable. */
  private readonly firstTaps: tf.Tensor2D;
  private readonly firstOut: number;

  constructor(options: Conv1DEmbeddingOptions) {
    super();
    const where = 'Conv1DEmbedding';
    assertPositiveInt(where, 'length', options.length);
    this.kernel = options.kernel ?? 5;
    this.channels = options.channels ?? [16, 32];
    this.outputDim = options.outputs ?? 32;
    this.stride = options.stride ?? this.channels.map((_, l) => (l === 0 && this.channels.length > 1 ? 2 : 1));
    assertPositiveInt(where, 'kernel', this.kernel);
    this.channels.forEach((c) => assertPositiveInt(where, 'channels', c));
    if (this.stride.length !== this.channels.length) {
      throw new Error(`${where}: stride needs one value per layer (${this.channels.length}); received ${this.stride.length}`);
    }
    this.stride.forEach((s) => assertPositiveInt(where, 'stride', s));
    let remaining = options.length;
    for (const s of this.stride) remaining = remaining >= this.kernel ? Math.floor((remaining - this.kernel) / s) + 1 : 0;
    if (remaining < 1) {
      throw new Error(`${where}: a series of length ${options.length} is too short for ${this.channels.length} layers of kernel ${this.kernel} with strides [${this.stride.join(', ')}]`);
    }
    this.inputDim = options.length;
    const random = toRandom(options.seed);
    let cin = 1;
    this.layers = this.channels.map((cout, l) => {
      // The first layer (one input channel) takes the k taps as one [*, k] matrix (im2col);
      // later layers take them as k inputs of width cin (a multi-input Dense).
      const inputs = l === 0 ? this.kernel : new Array(this.kernel).fill(cin);
      const layer = this.addModule(`conv.${l}`, new Dense({ inputs, outputs: cout, activation: 'relu', seed: random.fork() }));
      cin = cout;
      return layer;
    });
    this.firstOut = Math.floor((options.length - this.kernel) / this.stride[0]) + 1;
    const taps = new Float32Array(options.length * this.firstOut * this.kernel);
    for (let t = 0; t < this.firstOut; t++) {
      for (let j = 0; j < this.kernel; j++) taps[(this.stride[0] * t + j) * this.firstOut * this.kernel + t * this.kernel + j] = 1;
    }
    this.firstTaps = tf.keep(tf.tensor2d(taps, [options.length, this.firstOut * this.kernel]));
    this.head = this.addModule('head', new Dense({ inputs: [cin, cin], outputs: this.outputDim, activation: 'relu', seed: random.fork() }));
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    assertMatrix('Conv1DEmbedding.apply', 'x', x, this.inputDim);
    return tf.tidy(() => {
      const B = x.shape[0];
      const k = this.kernel;
      // First layer: im2col rows in time-major order (row t B + b holds x[b, s t .. s t + k)).
      const columns = tf.reshape(tf.transpose(tf.reshape(tf.matMul(x, this.firstTaps), [B, this.firstOut, k]), [1, 0, 2]), [this.firstOut * B, k]);
      // h: [L, B * cin], time-major.
      let h = tf.reshape(this.layers[0].apply(columns as tf.Tensor2D), [this.firstOut, B * this.layers[0].outputs]) as tf.Tensor2D;
      let cin = this.layers[0].outputs;
      this.layers.forEach((layer, l) => {
        if (l === 0) return;
        const s = this.stride[l];
        const out = Math.floor((h.shape[0] - this.kernel) / s) + 1;
        const width = B * cin;
        // Rows grouped s at a time: grouped row r holds rows s r .. s r + s - 1 side by side.
        const rowsNeeded = out + Math.floor((this.kernel - 1) / s);
        const grouped = s === 1 ? h : tf.reshape(tf.slice(h, [0, 0], [rowsNeeded * s, -1]), [rowsNeeded, s * width]);
        const tap = (j: number) => tf.slice(grouped, [Math.floor(j / s), (j % s) * width], [out, width]);
        const y = layer.apply(...Array.from({ length: this.kernel }, (_, j) => tf.reshape(tap(j), [out * B, cin]) as tf.Tensor2D));
        cin = layer.outputs;
        h = tf.reshape(y, [out, B * cin]) as tf.Tensor2D;
      });
      const mean = tf.reshape(meanRows(h), [B, cin]) as tf.Tensor2D;
      const rms = tf.sqrt(tf.add(tf.reshape(meanRows(tf.square(h) as tf.Tensor2D), [B, cin]), 1e-6)) as tf.Tensor2D;
      return this.head.apply(mean, rms);
    });
  }

  override dispose(): void {
    super.dispose();
    this.firstTaps.dispose();
  }

  toConfig(): ModuleConfig {
    return { type: 'Conv1DEmbedding', length: this.inputDim, channels: this.channels, kernel: this.kernel, outputs: this.outputDim, stride: this.stride };
  }
}

registerModule('Conv1DEmbedding', (c) => new Conv1DEmbedding(c as unknown as Conv1DEmbeddingOptions));
