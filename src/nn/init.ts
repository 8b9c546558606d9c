import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random.js';

/**
 * PyTorch's default initialisation of a linear layer (kaiming uniform with a = sqrt 5, which
 * reduces to U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and bias), drawn from a seeded stream
 * so that the same seed builds the same network. `gain` scales the bound (a small gain starts an
 * output layer near zero, i.e. a flow near the identity).
 */
export function uniformInit(shape: number[], fanIn: number, random: Random, gain = 1): tf.Tensor {
  const bound = gain / Math.sqrt(Math.max(1, fanIn));
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (2 * random.uniform() - 1) * bound;
  return tf.tensor(values, shape);
}
