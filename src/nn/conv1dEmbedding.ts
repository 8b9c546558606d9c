import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { toRandom, type SeedLike } from '../random.js';
import { Dense } from './dense.js';
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
  /** Average-pooling factor over time after each layer (default [2, 1]: halve after the first). */
  pool?: number[];
  seed?: SeedLike;
}

/**
 * A 1-D convolutional embedding of a time series (as in sbi's CNN embedding nets): valid
 * convolutions with ReLU, each optionally followed by average pooling over time, then global
 * pooling (mean and root mean square), then a dense layer.
 *
 *   h_l[t, c] = relu( sum_{j<k} sum_{c'} g_{l-1}[t + j, c'] W_l[j, c', c] + b_l[c] ),
 *   g_l[t, c] = mean_{i<p_l} h_l[p_l t + i, c]   (pooling by p_l),
 *   features = relu(Dense([mean_t h_L[t, :], sqrt(mean_t h_L[t, :]^2)])).
 *
 * TF.js on wasm has no gradient kernel for convolution filters, so each layer is a sum over the
 * k taps of 2-D products of shifted slices: one multi-input `Dense` (fast matmul path and
 * hand-written backward). Activations are kept time-major, [time, batch * channels], so that each
 * tap is a contiguous slice (a batch-major slice along time copies row by row on wasm: it made
 * this layer 5x slower) and pooling over time is a product with a row of ones.
 * Input: [batch, T]; output: [batch, outputs].
 */
export class Conv1DEmbedding extends Module {
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly kernel: number;
  private readonly channels: number[];
  private readonly pool: number[];
  private readonly layers: Dense[];
  private readonly head: Dense;

  constructor(options: Conv1DEmbeddingOptions) {
    super();
    const where = 'Conv1DEmbedding';
    assertPositiveInt(where, 'length', options.length);
    this.kernel = options.kernel ?? 5;
    this.channels = options.channels ?? [16, 32];
    this.outputDim = options.outputs ?? 32;
    this.pool = options.pool ?? this.channels.map((_, l) => (l === 0 && this.channels.length > 1 ? 2 : 1));
    assertPositiveInt(where, 'kernel', this.kernel);
    this.channels.forEach((c) => assertPositiveInt(where, 'channels', c));
    if (this.pool.length !== this.channels.length) {
      throw new Error(`${where}: pool needs one factor per layer (${this.channels.length}); received ${this.pool.length}`);
    }
    this.pool.forEach((p) => assertPositiveInt(where, 'pool', p));
    let remaining = options.length;
    for (const p of this.pool) remaining = Math.floor((remaining - this.kernel + 1) / p);
    if (remaining < 1) {
      throw new Error(`${where}: a series of length ${options.length} is too short for ${this.channels.length} layers of kernel ${this.kernel} with pooling [${this.pool.join(', ')}]`);
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
    this.head = this.addModule('head', new Dense({ inputs: [cin, cin], outputs: this.outputDim, activation: 'relu', seed: random.fork() }));
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    assertMatrix('Conv1DEmbedding.apply', 'x', x, this.inputDim);
    return tf.tidy(() => {
      const B = x.shape[0];
      // h: [L, B * cin], time-major.
      let h = tf.transpose(x) as tf.Tensor2D;
      let cin = 1;
      this.layers.forEach((layer, l) => {
        const out = h.shape[0] - this.kernel + 1;
        let y: tf.Tensor2D;
        if (l === 0) {
          // im2col of a single channel: the k shifted copies stacked along axis 0 (contiguous),
          // then one transpose to [out * B, k]: one fused product instead of k outer products.
          const rows = Array.from({ length: this.kernel }, (_, j) => tf.reshape(tf.slice(h, [j, 0], [out, -1]), [1, out * B]));
          y = layer.apply(tf.transpose(tf.concat(rows, 0)) as tf.Tensor2D);
        } else {
          const taps = Array.from({ length: this.kernel }, (_, j) => tf.reshape(tf.slice(h, [j, 0], [out, -1]), [out * B, cin]) as tf.Tensor2D);
          y = layer.apply(...taps);
        }
        cin = layer.outputs;
        h = tf.reshape(y, [out, B * cin]) as tf.Tensor2D;
        const p = this.pool[l];
        if (p > 1) {
          // Rows p t .. p t + p - 1 side by side in one row, then the mean of the p column blocks.
          const steps = Math.floor(out / p);
          const grouped = tf.reshape(tf.slice(h, [0, 0], [steps * p, -1]), [steps, p * B * cin]);
          const blocks = Array.from({ length: p }, (_, i) => tf.slice(grouped, [0, i * B * cin], [steps, B * cin]));
          h = tf.mul(tf.addN(blocks), 1 / p) as tf.Tensor2D;
        }
      });
      const L = h.shape[0];
      const average = tf.fill([1, L], 1 / L);
      const mean = tf.reshape(tf.matMul(average, h), [B, cin]) as tf.Tensor2D;
      const rms = tf.sqrt(tf.add(tf.reshape(tf.matMul(average, tf.square(h)), [B, cin]), 1e-6)) as tf.Tensor2D;
      return this.head.apply(mean, rms);
    });
  }

  toConfig(): ModuleConfig {
    return { type: 'Conv1DEmbedding', length: this.inputDim, channels: this.channels, kernel: this.kernel, outputs: this.outputDim, pool: this.pool };
  }
}

registerModule('Conv1DEmbedding', (c) => new Conv1DEmbedding(c as unknown as Conv1DEmbeddingOptions));
