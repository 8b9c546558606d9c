import { WINDOW_MLP_WASM_BASE64 } from './windowMlpWasm.js';

/** The architecture of a sliding-window network that {@link WindowMlpKernel} runs. */
export interface WindowMlpShape {
  /** Series per call. */
  batch: number;
  /** Channels C and length L of each series: a row of x is [x_1 (L) | ... | x_C (L)]. */
  channels: number;
  length: number;
  /** Window length k: T = L - k + 1 windows per series. */
  window: number;
  /** Units of every layer (a multiple of 8). */
  width: number;
  /** Layers: the window layer and the 1x1 layers after it, all relu. */
  layers: number;
  /** Which poolings over the windows to return. */
  mean: boolean;
  max: boolean;
}

/** Weights [inputs, width] and biases [width] of each layer, row-major. */
export interface WindowMlpParams {
  weights: Float32Array[];
  biases: Float32Array[];
}

interface Exports {
  gemm(a: number, w: number, bias: number, mask: number, out: number, R: number, K: number, H: number, relu: number): void;
  gemmTransposedA(a: number, d: number, g: number, colsum: number, R: number, K: number, H: number): void;
  unfold(x: number, out: number, B: number, C: number, L: number, k: number, Kp: number): void;
  pool(h: number, mean: number, max: number, argmax: number, B: number, T: number, H: number): void;
  poolBackward(dmean: number, dmax: number, argmax: number, h: number, out: number, B: number, T: number, H: number): void;
}

const FLOAT = 4;
const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;
/** Series per forward pass when no backward pass will follow (bounds the memory of inference). */
const INFERENCE_CHUNK = 2048;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * The sliding-window deep set's hot part as one WebAssembly SIMD kernel (AssemblyScript source in
 * `kernels/windowMlp.ts`): unfold the windows of every series, run the relu layers on each window,
 * pool mean / max over the windows, and the exact backward pass of all that into the weights
 * (and, when asked, into the input).
 *
 * Why: on tfjs's wasm backend these are products with 24 064 rows of 32 (batch 512, 47 windows)
 * and the weight gradients A^T dZ become a materialised transpose plus a long-K product that
 * XNNPACK runs at about 7 GFLOP/s; with elementwise relu, masks and pooling between them that was
 * about 50 of the 78 ms of a Ricker training step. Here the products hold 4 x 8 output blocks in
 * registers, the weight gradient streams rows in cache-sized chunks, and bias, relu, the relu
 * mask of the backward pass and the pooling are fused into the passes that produce them.
 *
 * The activations of the last `forward` stay in this module's memory for `backward`; a backward
 * whose forward was overwritten by a later call recomputes it from the inputs it kept. Max
 * pooling sends its gradient to the first window that attains the maximum (PyTorch's choice).
 * Memory grows to the largest call (about 35 floats per window and unit at batch 512, 17 MB)
 * and WebAssembly memory never shrinks; inference (`retain` false) runs in chunks of 2 048 series.
 */
export class WindowMlpKernel {
  private readonly memory: WebAssembly.Memory;
  private readonly fn: Exports;
  private calls = 0;
  /** The forward call whose activations are in memory, and where they are. */
  private last: { call: number; layout: Layout } | null = null;
  /** The call whose backward pass left the window layer's gradient dz_0 in memory, and where. */
  private lastBackward: { call: number; dz0: number } | null = null;

  private constructor(module: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 1 });
    this.fn = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Exports;
  }

  private static shared: WindowMlpKernel | null | undefined;

  /** The process-wide kernel, or null where WebAssembly SIMD is unavailable. */
  static get(): WindowMlpKernel | null {
    if (WindowMlpKernel.shared === undefined) {
      try {
        // 2.6 KB: small enough for a synchronous compile on a browser's main thread (limit 4 KB).
        WindowMlpKernel.shared = new WindowMlpKernel(new WebAssembly.Module(decodeBase64(WINDOW_MLP_WASM_BASE64)));
      } catch {
        WindowMlpKernel.shared = null;
      }
    }
    return WindowMlpKernel.shared;
  }

  /** Whether the kernel can run this architecture (widths a multiple of 8). */
  static supports(width: number): boolean {
    return width % 8 === 0;
  }

  /**
   * Pooled window features of x [batch, C L]: mean and/or max, each [batch, width] row-major.
   * With `retain`, the activations stay for {@link backward} and the returned `call` names them.
   */
  forward(x: Float32Array, shape: WindowMlpShape, params: WindowMlpParams, retain: boolean): { call: number; mean?: Float32Array; max?: Float32Array } {
    const { batch, channels, length, width } = shape;
    const outputs = { mean: shape.mean ? new Float32Array(batch * width) : undefined, max: shape.max ? new Float32Array(batch * width) : undefined };
    const chunk = retain ? Math.max(1, batch) : Math.min(batch, INFERENCE_CHUNK);
    const call = ++this.calls;
    for (let b0 = 0; b0 < batch; b0 += chunk) {
      const b1 = Math.min(batch, b0 + chunk);
      const part = { ...shape, batch: b1 - b0 };
      const xPart = x.subarray(b0 * channels * length, b1 * channels * length);
      const layout = this.run(xPart, part, params);
      const heap = new Float32Array(this.memory.buffer);
      if (outputs.mean) outputs.mean.set(heap.subarray(layout.mean / FLOAT, layout.mean / FLOAT + part.batch * width), b0 * width);
      if (outputs.max) outputs.max.set(heap.subarray(layout.max / FLOAT, layout.max / FLOAT + part.batch * width), b0 * width);
      this.last = retain ? { call, layout } : null;
    }
    return { call, ...outputs };
  }

  /**
   * Gradients of the loss with respect to every layer's weights and biases, given its gradients
   * with respect to the pooled outputs of forward call `call` (each [batch, width]). `inputs`
   * gives that call's x and parameters again, read only if a later call overwrote its activations.
   */
  backward(call: number, dMean: Float32Array | undefined, dMax: Float32Array | undefined, shape: WindowMlpShape, inputs: () => { x: Float32Array; params: WindowMlpParams }): WindowMlpParams {
    if (!this.last || this.last.call !== call) {
      const { x, params } = inputs();
      this.last = { call, layout: this.run(x, shape, params) };
    }
    const L = this.last.layout;
    const { batch, width, layers } = shape;
    const heap = new Float32Array(this.memory.buffer);
    if (dMean) heap.set(dMean, L.dMean / FLOAT);
    if (dMax) heap.set(dMax, L.dMax / FLOAT);
    const f = this.fn;
    f.poolBackward(dMean ? L.dMean : 0, dMax ? L.dMax : 0, L.argmax, L.h[layers - 1], L.dz[0], batch, L.T, width);
    heap.fill(0, (L.dz[0] + L.R * width * FLOAT) / FLOAT, (L.dz[0] + L.R4 * width * FLOAT) / FLOAT);
    const weights: Float32Array[] = [];
    const biases: Float32Array[] = [];
    let dz = 0;
    for (let l = layers - 1; l >= 0; l--) {
      const input = l === 0 ? L.windows : L.h[l - 1];
      const K = l === 0 ? L.Kp : width;
      f.gemmTransposedA(input, L.dz[dz], L.gW, L.gb, L.R4, K, width);
      if (l > 0) f.gemm(L.dz[dz], L.wT[l], 0, L.h[l - 1], L.dz[1 - dz], L.R4, width, width, 0);
      const rows = l === 0 ? shape.window * shape.channels : width;
      weights[l] = heap.slice(L.gW / FLOAT, L.gW / FLOAT + rows * width);
      biases[l] = heap.slice(L.gb / FLOAT, L.gb / FLOAT + width);
      dz = 1 - dz;
    }
    this.lastBackward = { call, dz0: L.dz[1 - dz] };
    return { weights, biases };
  }

  /**
   * The gradient with respect to x [batch, C L] of forward call `call`, after its {@link backward}
   * (rarely wanted: x is data in training). dwindows = dz_0 W_0^T, then every window's gradient
   * is added back onto the time steps it read. Computed in JavaScript (about 9 M multiply-adds
   * at batch 512).
   */
  inputGradient(call: number, dMean: Float32Array | undefined, dMax: Float32Array | undefined, shape: WindowMlpShape, inputs: () => { x: Float32Array; params: WindowMlpParams }): Float32Array {
    if (!this.lastBackward || this.lastBackward.call !== call) this.backward(call, dMean, dMax, shape, inputs);
    const { batch, channels: C, length, window: k, width: H } = shape;
    const T = length - k + 1;
    const heap = new Float32Array(this.memory.buffer);
    const dz0 = this.lastBackward!.dz0 / FLOAT;
    const w0 = this.last!.layout.w[0] / FLOAT;
    const dx = new Float32Array(batch * C * length);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < T; t++) {
        const row = dz0 + (b * T + t) * H;
        for (let j = 0; j < k; j++) {
          for (let c = 0; c < C; c++) {
            const q = w0 + (j * C + c) * H;
            let sum = 0;
            for (let u = 0; u < H; u++) sum += heap[row + u] * heap[q + u];
            dx[b * C * length + c * length + t + j] += sum;
          }
        }
      }
    }
    return dx;
  }

  /** The forward pass into this module's memory; returns where everything is. */
  private run(x: Float32Array, shape: WindowMlpShape, params: WindowMlpParams): Layout {
    this.lastBackward = null;
    const L = layout(shape);
    const pages = Math.ceil(L.bytes / 65536) - this.memory.buffer.byteLength / 65536;
    if (pages > 0) this.memory.grow(pages);
    const heap = new Float32Array(this.memory.buffer);
    const { batch, channels, length, window, width, layers } = shape;
    heap.set(x, L.x / FLOAT);
    for (let l = 0; l < layers; l++) {
      const w = params.weights[l];
      const K = l === 0 ? L.Kp : width;
      heap.fill(0, L.w[l] / FLOAT, L.w[l] / FLOAT + K * width);
      heap.set(w, L.w[l] / FLOAT);
      heap.set(params.biases[l], L.b[l] / FLOAT);
      if (l > 0) {
        const wT = L.wT[l] / FLOAT;
        for (let i = 0; i < width; i++) for (let j = 0; j < width; j++) heap[wT + j * width + i] = w[i * width + j];
      }
    }
    const f = this.fn;
    f.unfold(L.x, L.windows, batch, channels, length, window, L.Kp);
    heap.fill(0, (L.windows + L.R * L.Kp * FLOAT) / FLOAT, (L.windows + L.R4 * L.Kp * FLOAT) / FLOAT);
    for (let l = 0; l < layers; l++) {
      f.gemm(l === 0 ? L.windows : L.h[l - 1], L.w[l], L.b[l], 0, L.h[l], L.R4, l === 0 ? L.Kp : width, width, 1);
    }
    f.pool(L.h[layers - 1], shape.mean ? L.mean : 0, shape.max ? L.max : 0, L.argmax, batch, L.T, width);
    return L;
  }
}

/** Byte offsets of every buffer of one call (16-byte aligned), and the padded sizes. */
interface Layout {
  T: number;
  R: number;
  R4: number;
  Kp: number;
  x: number;
  windows: number;
  w: number[];
  wT: number[];
  b: number[];
  h: number[];
  dz: number[];
  mean: number;
  max: number;
  argmax: number;
  dMean: number;
  dMax: number;
  gW: number;
  gb: number;
  bytes: number;
}

function layout(shape: WindowMlpShape): Layout {
  const { batch, channels, length, window, width, layers } = shape;
  const T = length - window + 1;
  const R = batch * T;
  const R4 = roundUp(R, 4);
  const Kp = roundUp(window * channels, 4);
  let next = 1024;
  const take = (floats: number) => {
    const at = next;
    next += roundUp(floats * FLOAT, 16);
    return at;
  };
  const x = take(batch * channels * length);
  const windows = take(R4 * Kp);
  const w = [...Array(layers).keys()].map((l) => take((l === 0 ? Kp : width) * width));
  const wT = [...Array(layers).keys()].map((l) => (l === 0 ? 0 : take(width * width)));
  const b = [...Array(layers).keys()].map(() => take(width));
  const h = [...Array(layers).keys()].map(() => take(R4 * width));
  const dz = [take(R4 * width), take(R4 * width)];
  const pooled = () => take(batch * width);
  const mean = pooled(), max = pooled(), argmax = pooled(), dMean = pooled(), dMax = pooled();
  const gW = take(Math.max(Kp, width) * width);
  const gb = take(width);
  return { T, R, R4, Kp, x, windows, w, wT, b, h, dz, mean, max, argmax, dMean, dMax, gW, gb, bytes: next };
}
