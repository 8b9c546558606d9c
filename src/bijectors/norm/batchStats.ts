import * as tf from '@tensorflow/tfjs';

/**
 * Per-column mean and (biased, divide-by-n) variance of a [batch, dim] tensor, both [1, dim],
 * differentiable. The sums over the batch are products with a row of ones, which the wasm backend
 * runs about 6x faster than `sum` over axis 0 (see CONTRIBUTING.md).
 */
export function batchMoments(x: tf.Tensor2D): { mean: tf.Tensor2D; variance: tf.Tensor2D } {
  const [mean, variance] = tf.tidy(() => {
    const n = x.shape[0];
    const ones = tf.fill([1, n], 1 / n) as tf.Tensor2D;
    const mean = tf.matMul(ones, x);
    const variance = tf.matMul(ones, tf.square(tf.sub(x, mean)));
    return [mean, variance] as [tf.Tensor2D, tf.Tensor2D];
  });
  return { mean, variance };
}
