import * as tf from '@tensorflow/tfjs';
import { WindowMlpKernel, type WindowMlpShape } from '../backend/windowMlpKernel.js';
import { customOp, gradientRecording } from './customOp.js';
import { readValues } from '../backend/memory.js';
import type { Dense } from './dense.js';
import type { WindowPooling } from './poolWindows.js';

let fusedWindowKernel = true;

/** Use the fused WebAssembly window kernel where it applies (default) or always the tensor ops. */
export function setFusedWindowKernel(enabled: boolean): void {
  fusedWindowKernel = enabled;
}

/** The series layout and pooling that {@link fusedWindowPool} needs besides the layers. */
export interface WindowSeriesShape {
  channels: number;
  length: number;
  window: number;
  pooling: WindowPooling;
}

/**
 * Whether {@link fusedWindowPool} runs for relu layers of this width on the current backend: the
 * kernel reads and writes tensors through the CPU, which is free on the wasm and cpu backends (the
 * data live in CPU memory) but would stall a GPU backend, so webgl and webgpu keep the tensor ops.
 */
export function fusedWindowPoolApplies(width: number): boolean {
  const backend = tf.getBackend();
  return fusedWindowKernel && (backend === 'wasm' || backend === 'cpu') && WindowMlpKernel.supports(width) && WindowMlpKernel.get() !== null;
}

/**
 * The window layers and the pooling of `SlidingWindowEmbedding` as one operation on the fused
 * kernel (`backend/windowMlpKernel.ts`): x [batch, C L] to the pooled features (mean first, then
 * max, as `poolWindows`), each [batch, width]. Gradients flow to the layers' kernels and biases;
 * x is usually data: its gradient is computed only when the loss needs it. Every layer must be a single-input,
 * unmasked relu `Dense`. Call only where {@link fusedWindowPoolApplies}.
 */
export function fusedWindowPool(x: tf.Tensor2D, layers: Dense[], series: WindowSeriesShape): tf.Tensor2D[] {
  const kernel = WindowMlpKernel.get()!;
  const width = layers[0].outputs;
  const shape: WindowMlpShape = {
    batch: x.shape[0],
    channels: series.channels,
    length: series.length,
    window: series.window,
    width,
    layers: layers.length,
    mean: series.pooling !== 'max',
    max: series.pooling !== 'mean',
  };
  const weights = layers.map((l) => l.kernel);
  const biases = layers.map((l) => l.bias);
  // Views of tensor memory where the backend allows (the kernel copies them in before any tensor is made).
  const read = (ts: tf.Tensor[]) => ts.map(readValues);
  const retain = gradientRecording();
  let call = 0;
  return customOp<tf.Tensor2D[]>(
    [x, ...weights, ...biases],
    (save) => {
      const result = kernel.forward(readValues(x), shape, { weights: read(weights), biases: read(biases) }, retain);
      call = result.call;
      if (retain) save([x, ...weights, ...biases]);
      return [result.mean, result.max].filter((p) => p !== undefined).map((p) => tf.tensor2d(p!, [shape.batch, width]));
    },
    (dys, saved) => {
      const [dMean, dMax] = shape.mean && shape.max ? dys : shape.mean ? [dys[0], undefined] : [undefined, dys[0]];
      const dMeanValues = dMean && readValues(dMean).slice();
      const dMaxValues = dMax && readValues(dMax).slice();
      const inputs = () => ({
        x: readValues(saved[0]),
        params: { weights: read(saved.slice(1, 1 + layers.length)), biases: read(saved.slice(1 + layers.length)) },
      });
      const grads = kernel.backward(call, dMeanValues, dMaxValues, shape, inputs);
      return [
        // Only when the loss asks for it (customOp calls this lazily): x is usually data.
        () => tf.tensor2d(kernel.inputGradient(call, dMeanValues, dMaxValues, shape, inputs), x.shape),
        ...grads.weights.map((g, l) => () => tf.tensor2d(g, weights[l].shape)),
        ...grads.biases.map((g) => () => tf.tensor1d(g)),
      ];
    },
  );
}
