// The README's quick example, as written there (a test checks that the two agree and runs it).
import * as tf from '@tensorflow/tfjs';
import { ready, nsf } from '../src/index.js';

await ready(); // picks tfjs-node if installed, else wasm, else cpu (reported once on stderr)

// q(x | c): a neural spline flow over 2-D x given a 3-D context.
const flow = nsf({ dim: 2, contextDim: 3, seed: 0 });
const x = tf.randomNormal([5, 2]) as tf.Tensor2D;
const c = tf.randomNormal([5, 3]) as tf.Tensor2D;

const logp = flow.logProb(x, c); // [5]: log q(x_i | c_i)
const draws = flow.sample(100, { context: c, seed: 1 }); // [5, 100, 2]: 100 draws per context row
const { sample, logProb } = flow.sampleAndLogProb(10, { context: c, seed: 2 }); // one differentiable pass

console.log(logp.shape, draws.shape, sample.shape, logProb.shape);
tf.dispose([x, c, logp, draws, sample, logProb]);
