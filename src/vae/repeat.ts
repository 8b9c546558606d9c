import * as tf from '@tensorflow/tfjs';

/**
 * Each row repeated m times in place, [r0, r0, ..., r1, r1, ...], shape [b * m, c] (the layout of
 * `Distribution`'s conditional draws: row i * m + j belongs to row i). Written as a broadcast
 * product with ones, which is differentiable and on the wasm backend about 100 times faster than
 * `tile` or `gather` (10 rows of 784 repeated 1000 times: 18 ms against 2.4 s).
 */
export function repeatEach(x: tf.Tensor2D, m: number): tf.Tensor2D {
  if (m === 1) return x;
  return tf.tidy(() => {
    const [b, c] = x.shape;
    return tf.reshape(tf.mul(tf.reshape(x, [b, 1, c]), tf.ones([1, m, 1])), [b * m, c]) as tf.Tensor2D;
  });
}
