import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { toRandom, type SeedLike } from '../random.js';
import { Dense } from './dense.js';
import { linearChain } from './linearKernel.js';
import { poolWindows, type WindowPooling, WINDOW_POOLINGS } from './poolWindows.js';
import { fusedWindowPool, fusedWindowPoolApplies } from './fusedWindowPool.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import { assertMatrix, assertPositiveInt } from '../validation.js';

/** Options of {@link SlidingWindowEmbedding} (every one but `length` has a default). */
export interface SlidingWindowEmbeddingOptions {
  /** Length L of each input channel's series. */
  length: number;
  /** Input channels C (default 1): the input row holds them one after the other, [x_1 (L) | ... | x_C (L)]. */
  channels?: number;
  /** Window length k: each window sees k consecutive time steps of every channel (default 4). */
  window?: number;
  /** Hidden units of the window layer and of the 1x1 layers (default 32). */
  width?: number;
  /** 1x1 layers (a dense layer applied to each window's features) after the window layer (default 2). */
  pointwiseLayers?: number;
  /** Pooling over the windows: 'mean', 'max' or 'both' (default 'both'). */
  pooling?: WindowPooling;
  /** The first m time steps of every channel, passed to the head beside the pooled features (default 0). */
  passThrough?: number;
  /** Width of the output feature vector (default 32). */
  outputs?: number;
  seed?: SeedLike;
}

/**
 * A sliding-window deep set (a 1-D convolution with pooling, as in Deep Sets over the windows):
 * every window of k consecutive time steps is embedded by the same small network, the window
 * embeddings are pooled over time (mean and/or max, order-free), and a dense head maps the pooled
 * features, with the first m time steps passed through, to the output.
 *
 *   w_t = [x_c(t .. t + k - 1) for c = 1..C]                        (t = 0 .. L - k),
 *   h_t = relu(V_P ... relu(V_1 relu(U w_t + a) + b_1) ... + b_P),
 *   features = relu(Dense([mean_t h_t, max_t h_t, x_c(0 .. m - 1) for c])).
 *
 * This matches a Markov process observed with noise: the likelihood is a product of terms that
 * each involve a few consecutive values, and the pooled features are sums (means) over them.
 * On the wasm and cpu backends, with a width that is a multiple of 8, the windows, the layers and
 * the pooling run as one fused WebAssembly SIMD kernel with its own backward pass
 * (`fusedWindowPool.ts`, about 3x faster). Elsewhere they are tensor operations: the windows are
 * unfolded by a product with a fixed 0/1 matrix [C L, (L - k + 1) k C] (no slices, no concat, no
 * gradient: the input is data), the window layer and the 1x1 layers are one `linearChain` on
 * [batch (L - k + 1), k C], and the pooling is one operation with a hand-written backward
 * (`poolWindows.ts`). The two agree to float32 rounding, except that at exact ties the kernel
 * gives max pooling's gradient to the first maximal window and the tensor ops to every one.
 * Input: [batch, C L]; output: [batch, outputs].
 */
export class SlidingWindowEmbedding extends Module {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly length: number;
  readonly channels: number;
  readonly window: number;
  readonly width: number;
  readonly pooling: WindowPooling;
  readonly passThrough: number;
  /** Windows per series, L - k + 1. */
  readonly windows: number;
  private readonly layers: Dense[];
  private readonly head: Dense;
  /** Column (t k C + j C + c) picks x_c(t + j); fixed, not a variable. */
  private readonly unfold: tf.Tensor2D;
  /** Column (c m + i) picks x_c(i); fixed (null without pass-through). */
  private readonly firstSteps: tf.Tensor2D | null;

  constructor(options: SlidingWindowEmbeddingOptions) {
    super();
    const where = 'SlidingWindowEmbedding';
    assertPositiveInt(where, 'length', options.length);
    const channels = options.channels ?? 1;
    const window = options.window ?? 4;
    const width = options.width ?? 32;
    const pointwiseLayers = options.pointwiseLayers ?? 2;
    const passThrough = options.passThrough ?? 0;
    this.outputDim = options.outputs ?? 32;
    this.pooling = options.pooling ?? 'both';
    assertPositiveInt(where, 'channels', channels);
    assertPositiveInt(where, 'window', window);
    assertPositiveInt(where, 'width', width);
    assertPositiveInt(where, 'outputs', this.outputDim);
    if (!(Number.isInteger(pointwiseLayers) && pointwiseLayers >= 0)) throw new Error(`${where}: pointwiseLayers must be an integer >= 0; received ${String(pointwiseLayers)}`);
    if (!WINDOW_POOLINGS.includes(this.pooling)) throw new Error(`${where}: pooling must be one of ${WINDOW_POOLINGS.join(', ')}; received ${String(this.pooling)}`);
    if (window > options.length) throw new Error(`${where}: window must be at most the series length ${options.length}; received ${window}`);
    if (!(Number.isInteger(passThrough) && passThrough >= 0 && passThrough <= options.length)) {
      throw new Error(`${where}: passThrough must be an integer in [0, ${options.length}]; received ${String(passThrough)}`);
    }
    this.length = options.length;
    this.channels = channels;
    this.window = window;
    this.width = width;
    this.passThrough = passThrough;
    this.inputDim = channels * options.length;
    this.windows = options.length - window + 1;
    const random = toRandom(options.seed);
    const sizes = [window * channels, ...new Array(pointwiseLayers + 1).fill(width)];
    this.layers = sizes.slice(1).map((outputs, l) => this.addModule(`layers.${l}`, new Dense({ inputs: sizes[l], outputs, activation: 'relu', seed: random.fork() })));
    const pooled = this.pooling === 'both' ? [width, width] : [width];
    const headInputs = passThrough > 0 ? [...pooled, channels * passThrough] : pooled;
    this.head = this.addModule('head', new Dense({ inputs: headInputs, outputs: this.outputDim, activation: 'relu', seed: random.fork() }));
    this.unfold = tf.keep(this.selection(window, (t, j, c) => [c * this.length + t + j, (t * window + j) * channels + c], this.windows * window * channels, this.windows));
    this.firstSteps = passThrough > 0 ? tf.keep(this.selection(1, (i, _j, c) => [c * this.length + i, c * passThrough + i], channels * passThrough, passThrough)) : null;
  }

  /** A fixed 0/1 matrix [C L, columns] with a one at `at(t, j, c)` for t < steps, j < span, every channel c. */
  private selection(span: number, at: (t: number, j: number, c: number) => [number, number], columns: number, steps: number): tf.Tensor2D {
    const m = new Float32Array(this.inputDim * columns);
    for (let t = 0; t < steps; t++) {
      for (let j = 0; j < span; j++) {
        for (let c = 0; c < this.channels; c++) {
          const [row, col] = at(t, j, c);
          m[row * columns + col] = 1;
        }
      }
    }
    return tf.tensor2d(m, [this.inputDim, columns]);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    assertMatrix('SlidingWindowEmbedding.apply', 'x', x, this.inputDim);
    return tf.tidy(() => {
      const pooled = fusedWindowPoolApplies(this.width) ? fusedWindowPool(x, this.layers, this) : this.pooledByTensorOps(x);
      return this.head.apply(...pooled, ...(this.firstSteps ? [tf.matMul(x, this.firstSteps) as tf.Tensor2D] : []));
    });
  }

  /** The window layers and pooling as tensor operations (any backend; `fusedWindowPool` is the fast path). */
  private pooledByTensorOps(x: tf.Tensor2D): tf.Tensor2D[] {
    // No series: no windows to pool (the wasm reductions trap on an empty axis).
    if (x.shape[0] === 0) return (this.pooling === 'both' ? [0, 1] : [0]).map(() => tf.zeros([0, this.width]) as tf.Tensor2D);
    const windows = tf.reshape(tf.matMul(x, this.unfold), [x.shape[0] * this.windows, this.window * this.channels]) as tf.Tensor2D;
    return poolWindows(linearChain(this.layers, [windows]), this.windows, this.pooling);
  }

  override dispose(): void {
    super.dispose();
    this.unfold.dispose();
    this.firstSteps?.dispose();
  }

  toConfig(): ModuleConfig {
    return {
      type: 'SlidingWindowEmbedding',
      length: this.length,
      channels: this.channels,
      window: this.window,
      width: this.width,
      pointwiseLayers: this.layers.length - 1,
      pooling: this.pooling,
      passThrough: this.passThrough,
      outputs: this.outputDim,
    };
  }
}

registerModule('SlidingWindowEmbedding', (c) => new SlidingWindowEmbedding(c as unknown as SlidingWindowEmbeddingOptions));
