import * as tf from '@tensorflow/tfjs';
import { ready, maf } from './src/index.js';
await ready({quiet: true});
const flow = maf({ dim: 3, contextDim: 2, seed: 1 });
const x = tf.randomNormal([5, 3]) as tf.Tensor2D, c = tf.randomNormal([5, 2]) as tf.Tensor2D;
for (let k = 0; k < 3; k++) {
  let b = tf.memory().numTensors; flow.logProb(x, c).dispose(); console.log('logProb', tf.memory().numTensors - b);
  b = tf.memory().numTensors; flow.sample(4, { context: c, seed: 3 }).dispose(); console.log('sample', tf.memory().numTensors - b);
}
