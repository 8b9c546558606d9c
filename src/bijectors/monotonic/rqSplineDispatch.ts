/**
 * Dispatches the rational-quadratic spline to one of its two implementations, wrapped as two
 * custom-gradient ops, forward and inverse, from raw
 * parameters [batch, P, dim] (Durkan, Bekasov, Murray & Papamakarios 2019). Each records two nodes
 * on the gradient tape (the op and the unstack of its packed [out; log-derivative]) instead of
 * about 100 (on wasm a taped op costs about 17 us, an untaped one about 3 us).
 *
 * Two implementations of the same maps and hand-written gradients:
 * - 'js' (`rqSplineJs.ts`): one float64 pass over the elements in JavaScript, for backends whose
 *   memory JavaScript reads cheaply (wasm, cpu, tfjs-node). On wasm, an inverse with its gradient
 *   for 256 x 3 elements took 0.8 ms of CPU against 2.3 ms with tensor ops, and a 5-layer
 *   conditional NSF training step 15 ms against 27 ms (MAF: 10-12 ms);
 * - 'ops' (`rqSplineOps.ts`): tensor ops only, for GPU backends (webgl, webgpu), where reading
 *   tensors back would stall the device.
 * 'auto' (the default) picks by backend (`RQSplineTransform`'s `implementation` option forces one).
 */
import * as tf from '@tensorflow/tfjs';
import type { MonotonicOutput } from './monotonic.js';
import { jsForward, jsInverse } from './rqSplineJs.js';
import { opsForward, opsInverse } from './rqSplineOps.js';
import type { KernelResult, SplineSpec } from './rqSplineSpec.js';

/** Which implementation evaluates a spline: 'js', 'ops', or 'auto' (by backend). */
export type SplineImplementation = 'auto' | 'js' | 'ops';

const CPU_BACKENDS = new Set(['wasm', 'cpu', 'tensorflow']);

/** The implementation that runs for a choice on the current backend. */
export function resolveImplementation(choice: SplineImplementation): 'js' | 'ops' {
  if (choice !== 'auto') return choice;
  return CPU_BACKENDS.has(tf.getBackend()) ? 'js' : 'ops';
}

/** `onlyDim`: the caller uses only that column (see `ForwardHint`); an implementation may skip the rest. */
type Impl = (v: tf.Tensor2D, p: tf.Tensor3D, spec: SplineSpec, save: (t: tf.Tensor[]) => void, onlyDim?: number) => KernelResult;

function run(js: Impl, ops: Impl, v: tf.Tensor2D, params: tf.Tensor3D, spec: SplineSpec, choice: SplineImplementation, onlyDim?: number): MonotonicOutput {
  const impl = resolveImplementation(choice) === 'js' ? js : ops;
  const op = tf.customGrad(((a: tf.Tensor2D, p: tf.Tensor3D, save: (t: tf.Tensor[]) => void) => impl(a, p, spec, save, onlyDim)) as unknown as Parameters<
    typeof tf.customGrad
  >[0]);
  const [out, logAbsDet] = tf.unstack(op(v, params)) as tf.Tensor2D[];
  return { out, logAbsDet };
}

/**
 * y = T(x) and log T'(x), elementwise; x: [batch, dim], params: [batch, P, dim]. With `onlyDim`,
 * the 'js' implementation evaluates that column only and passes the others through (x, log-derivative 0).
 */
export function rqSplineForward(
  x: tf.Tensor2D,
  params: tf.Tensor3D,
  spec: SplineSpec,
  choice: SplineImplementation = 'auto',
  onlyDim?: number,
): MonotonicOutput {
  return run(jsForward, opsForward, x, params, spec, choice, onlyDim);
}

/** x = T^{-1}(y) and log dT^{-1}/dy, elementwise; y: [batch, dim], params: [batch, P, dim]. */
export function rqSplineInverse(y: tf.Tensor2D, params: tf.Tensor3D, spec: SplineSpec, choice: SplineImplementation = 'auto'): MonotonicOutput {
  return run(jsInverse, opsInverse, y, params, spec, choice);
}
