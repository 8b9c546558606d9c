import * as tf from '@tensorflow/tfjs';

/**
 * `tf.tidy` for functions that return a typed object of tensors (TF.js types its result as a
 * generic container). Everything created inside and not returned is disposed.
 */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
