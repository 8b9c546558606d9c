import * as tf from '@tensorflow/tfjs';
import { customOp } from './customOp.js';

/** Pooling over the windows of a series: their mean, their maximum, or both (mean first). */
export type WindowPooling = 'mean' | 'max' | 'both';
/** The pooling choices, for validation and help texts. */
export const WINDOW_POOLINGS: readonly WindowPooling[] = ['mean', 'max', 'both'];

/**
 * Pool per-window features h [batch windows, width] (rows batch-major: row b W + t is window t
 * of series b) over the W windows of each series: [mean_t h] and/or [max_t h], each [batch, width].
 *
 * One operation with a hand-written backward, because tfjs's own gradient of `max` compares the
 * input with the broadcast maximum (`equal`), and comparisons that broadcast are about 100x
 * slower on wasm than arithmetic ones (240 ms against 2 ms at [512, 47, 32]). Here the argmax
 * mask is arithmetic, 1 - step(max - h) (ties share the gradient, as in tfjs), and the mean's
 * gradient is dy / W broadcast by a product with a [1, W, 1] constant. The reductions over the
 * middle axis of [batch, W, width] are the fast ones on wasm (mean 1 ms, max 2 ms there; a
 * product with a fixed averaging matrix took 14 ms).
 */
export function poolWindows(h: tf.Tensor2D, windows: number, pooling: WindowPooling): tf.Tensor2D[] {
  const [rows, width] = h.shape;
  if (!WINDOW_POOLINGS.includes(pooling)) throw new Error(`poolWindows: pooling must be one of ${WINDOW_POOLINGS.join(', ')}; received ${String(pooling)}`);
  if (!(Number.isInteger(windows) && windows >= 1 && rows % windows === 0)) {
    throw new Error(`poolWindows: h must have a multiple of ${windows} rows (windows per series); received [${h.shape.join(', ')}]`);
  }
  const batch = rows / windows;
  const useMean = pooling !== 'max';
  const useMax = pooling !== 'mean';
  return customOp<tf.Tensor2D[]>(
    [h],
    (save) => {
      const h3 = tf.reshape(h, [batch, windows, width]);
      const outputs: tf.Tensor2D[] = [];
      if (useMean) outputs.push(tf.mean(h3, 1) as tf.Tensor2D);
      if (useMax) {
        const max = tf.max(h3, 1) as tf.Tensor2D;
        outputs.push(max);
        save([h, max]);
      }
      return outputs;
    },
    (dys, saved) => [
      () => {
        let k = 0;
        let grad: tf.Tensor | null = null;
        if (useMean) {
          const dMean = tf.reshape(dys[k++], [batch, 1, width]);
          grad = tf.mul(tf.fill([1, windows, 1], 1 / windows), dMean);
        }
        if (useMax) {
          const [input, max] = saved;
          const max3 = tf.reshape(max, [batch, 1, width]);
          const atMax = tf.sub(1, tf.step(tf.sub(max3, tf.reshape(input, [batch, windows, width]))));
          const g = tf.mul(atMax, tf.reshape(dys[k], [batch, 1, width]));
          grad = grad ? tf.add(grad, g) : g;
        }
        return tf.reshape(grad!, [rows, width]);
      },
    ],
  );
}
