import * as tf from '@tensorflow/tfjs';

/** Activations a dense layer can fuse. */
export type Activation = 'linear' | 'relu' | 'tanh' | 'elu' | 'sigmoid' | 'softplus';

export const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'tanh', 'elu', 'sigmoid', 'softplus'];

/** Apply an activation by name. */
export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
  }
}

/** Validate an activation name coming from user options or a saved config. */
export function checkActivation(where: string, a: unknown): Activation {
  if (typeof a !== 'string' || !(ACTIVATIONS as readonly string[]).includes(a)) {
    throw new Error(`${where}: activation must be one of ${ACTIVATIONS.join(', ')}; received ${String(a)}`);
  }
  return a as Activation;
}
