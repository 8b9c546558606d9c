import * as tf from '@tensorflow/tfjs';

/**
 * Global-norm gradient clipping (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_:
 * every gradient is scaled by min(1, maxNorm / (||g|| + 1e-6)), where ||g|| is the norm of all
 * gradients together. Computed on the backend, with no read-back. Returns the scaled gradients
 * and the norm (a scalar tensor) before scaling.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { clipped: tf.Tensor[]; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return { clipped: grads.map((g) => tf.mul(g, scale)), norm };
  }) as unknown as { clipped: tf.Tensor[]; norm: tf.Scalar };
}
