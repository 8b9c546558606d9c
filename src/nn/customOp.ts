import * as tf from '@tensorflow/tfjs';

/** What the engine's `runKernelFunc` takes for an operation with its own gradient. */
interface CustomKernelParams {
  forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor | tf.Tensor[];
  backwardsFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
  inputs: Record<string, tf.Tensor>;
}

interface EngineWithKernelFunc {
  runKernelFunc(params: CustomKernelParams): tf.Tensor | tf.Tensor[];
}

/**
 * A differentiable operation with a hand-written backward pass, like `tf.customGrad`, but whose
 * input gradients are computed lazily: `backward` returns one function per input, and the engine
 * calls only those of inputs that the requested gradient depends on. `tf.customGrad` computes
 * every input's gradient eagerly; for a network's first layer that includes the gradient with
 * respect to the data, a full product with the (transposed) weights that nobody reads: a sixth
 * of a VAE step's arithmetic, and the context gradient of every flow layer whose context is data.
 *
 * - `forward(save)` runs without recording its inner kernels on the gradient tape (one node for
 *   the whole operation); `save` keeps tensors for the backward pass (only while a tape records);
 * - `backward(dys, saved)` gets one upstream gradient per output (zeros for outputs that do not
 *   reach the loss) and the saved tensors. Work shared by several inputs' gradients belongs in
 *   its body (computed once); each returned function computes one input's gradient.
 *
 * Uses `tf.engine().runKernelFunc`, the engine method that `tf.customGrad` itself calls.
 */
export function customOp<T extends tf.Tensor | tf.Tensor[]>(
  inputs: tf.Tensor[],
  forward: (save: (tensors: tf.Tensor[]) => void) => T,
  backward: (dys: tf.Tensor[], saved: tf.Tensor[]) => (() => tf.Tensor)[],
): T {
  const inputMap: Record<string, tf.Tensor> = {};
  inputs.forEach((t, i) => (inputMap[i] = t));
  const engine = tf.engine() as unknown as EngineWithKernelFunc;
  return engine.runKernelFunc({
    inputs: inputMap,
    forwardFunc: (_backend, save) => forward(save),
    backwardsFunc: (dy, saved) => {
      const thunks = backward(Array.isArray(dy) ? dy : [dy], saved);
      if (thunks.length !== inputs.length) {
        throw new Error(`customOp: backward returned ${thunks.length} gradient functions for ${inputs.length} inputs`);
      }
      const map: Record<string, () => tf.Tensor> = {};
      thunks.forEach((f, i) => (map[i] = f));
      return map;
    },
  }) as T;
}

/** Whether a gradient tape is recording (inside tf.grad, tf.variableGrads, ...). */
export function gradientRecording(): boolean {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}
