import * as tf from '@tensorflow/tfjs';
import { ready, maf, realNVP, iaf } from './src/index.js';
await ready();
for (const build of [maf, realNVP, iaf]) {
  const flow = build({ dim: 3, contextDim: 2, seed: 1 });
  const before = tf.memory().numTensors;
  const x = tf.randomNormal([5, 3]) as tf.Tensor2D, c = tf.randomNormal([5, 2]) as tf.Tensor2D;
  const lp = flow.logProb(x, c);
  const s = flow.sample(4, { context: c, seed: 3 });
  const s2 = flow.sample(4, { context: c, seed: 3 });
  const sl = flow.sampleAndLogProb(4, { context: c, seed: 3 });
  const lp2 = flow.logProb(sl.sample.reshape([20, 3]) as tf.Tensor2D, c.reshape([5,1,2]).tile([1,4,1]).reshape([20,2]) as tf.Tensor2D);
  console.log(build.name, lp.shape, s.shape, tf.max(tf.abs(tf.sub(s, s2))).dataSync()[0], sl.logProb.shape,
     'lp consistency', tf.max(tf.abs(tf.sub(lp2, sl.logProb.reshape([20])))).dataSync()[0]);
  tf.dispose([x, c, lp, s, s2, sl.sample, sl.logProb, lp2]);
  console.log('leak', tf.memory().numTensors - before);
  // gradient
  const data = tf.randomNormal([64, 3]) as tf.Tensor2D; const ctx = tf.randomNormal([64, 2]) as tf.Tensor2D;
  const opt = tf.train.adam(1e-3);
  const b2 = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) { const l = opt.minimize(() => tf.neg(tf.mean(flow.logProb(data, ctx))) as tf.Scalar, true, flow.trainableVariables()); l!.dispose(); }
  console.log('step leak', tf.memory().numTensors - b2, 'params', flow.parameterCount());
}
