/**
 * npm run bench:density: the quality figures of flow training, each printed with its threshold.
 * 1. Density estimation: held-out KL(p || q) = E_p[log p - log q] on a 2-D Gaussian mixture with
 *    known density, 20 000 training points, for NSF and MAF (threshold 0.05 nats).
 * 2. Reverse KL: KL(q || p) and the log Z estimate on 2-D targets with known normaliser (a two-mode
 *    Gaussian mixture and a banana, times e^1.5) (thresholds 0.05 nats and |log Z error| 0.05).
 * 3. Saving: a saved and reloaded flow gives identical logProb on 1 000 points.
 * 4. Memory: 10 000 training steps leave tf.memory().numTensors where it was after the first step.
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend/index.js';
import { maf } from '../src/flows/builders.js';
import { nsf } from '../src/flows/nsf.js';
import type { Flow } from '../src/flows/flow.js';
import { Banana2D, GaussianMixture2D } from '../src/data/toy2d.js';
import { fitFlow } from '../src/train/fitFlow.js';
import { fitVariational, estimateLogZ } from '../src/train/variational.js';
import { TrainingLoop } from '../src/train/loop.js';
import { deserializeModule, serializeModule } from '../src/io/format.js';
import { withoutValidation } from '../src/validation.js';
import { epochProgress } from '../src/node/epochProgress.js';

const quick = process.argv.includes('--quick');
await ready();
const results: { figure: string; value: number; threshold: string; pass: boolean }[] = [];
const report = (figure: string, value: number, threshold: number, lowerIsBetter = true) => {
  const pass = lowerIsBetter ? value <= threshold : value >= threshold;
  results.push({ figure, value, threshold: `${lowerIsBetter ? '<=' : '>='} ${threshold}`, pass });
  console.log(`${pass ? 'PASS' : 'FAIL'}  ${figure}: ${value.toFixed(4)} (threshold ${lowerIsBetter ? '<=' : '>='} ${threshold})`);
};

// 1. Forward KL on a Gaussian mixture with known density.
const mixture = new GaussianMixture2D([[-1.5, -1], [1.5, -1], [0, 1.6], [0, -0.2]], 0.45, [0.3, 0.3, 0.25, 0.15]);
const train = mixture.sample(quick ? 5000 : 20000, 1);
const test = tf.tensor2d(mixture.sample(20000, 2));
const logP = mixture.logProb(test);
for (const [name, build] of [['NSF', nsf], ['MAF', maf]] as const) {
  const flow: Flow = build({ dim: 2, seed: 3 });
  const maxEpochs = quick ? 30 : 300;
  const progress = epochProgress({ maxEpochs, label: `density ${name}` });
  const h = fitFlow(flow, train, { seed: 4, learningRate: 1e-3, batchSize: 256, maxEpochs, onEpochEnd: progress.onEpochEnd });
  progress.stop();
  const kl = tf.tidy(() => tf.mean(tf.sub(logP, flow.logProb(test))).dataSync()[0]);
  console.log(`      ${name}: ${h.epochs} epochs (best ${h.bestEpoch}), ${(h.wallTimeMs / 1000).toFixed(1)} s`);
  report(`held-out KL(p || q), ${name}, Gaussian mixture, ${train.length} training points (nats)`, kl, 0.05);
  flow.dispose();
}
tf.dispose([test, logP]);

// 2. Reverse KL on targets with known normaliser.
const LOG_Z = 1.5;
const targets = [
  ['two-mode mixture', new GaussianMixture2D([[-1.5, 0], [1.5, 0]], 0.6)],
  ['banana', new Banana2D(1, 0.5)],
] as const;
for (const [name, density] of targets) {
  const logTarget = (x: tf.Tensor2D) => tf.tidy(() => tf.add(density.logProb(x), LOG_Z) as tf.Tensor1D);
  const q = nsf({ dim: 2, coupling: true, transforms: 6, seed: 5 });
  const maxEpochs = quick ? 10 : 80;
  const progress = epochProgress({ maxEpochs, label: `reverse KL ${name}` });
  fitVariational(q, logTarget, { seed: 6, learningRate: 1e-3, maxEpochs, patience: 10, onEpochEnd: progress.onEpochEnd });
  progress.stop();
  const z = estimateLogZ(q, logTarget, 100_000, 7);
  report(`KL(q || p), ${name} (nats)`, LOG_Z - z.elbo, 0.05);
  report(`|log Z estimate - log Z|, ${name} (estimate ${z.logZ.toFixed(4)} ± ${z.standardError.toFixed(4)}, truth ${LOG_Z})`, Math.abs(z.logZ - LOG_Z), 0.05);
  q.dispose();
}

// 3. Saving and loading.
{
  const flow = nsf({ dim: 3, contextDim: 2, seed: 8 });
  const x = tf.randomNormal([1000, 3], 0, 1, 'float32', 9) as tf.Tensor2D;
  const c = tf.randomNormal([1000, 2], 0, 1, 'float32', 10) as tf.Tensor2D;
  const { json, weights } = serializeModule(flow);
  const copy = deserializeModule<Flow>(JSON.parse(JSON.stringify(json)), weights.slice(0));
  const a = flow.logProb(x, c).dataSync();
  const b = copy.logProb(x, c).dataSync();
  let differing = 0;
  a.forEach((v, i) => (differing += v === b[i] ? 0 : 1));
  report('points (of 1000) whose logProb differs after save and reload', differing, 0);
  tf.dispose([x, c]);
  flow.dispose();
  copy.dispose();
}

// 4. Memory over 10 000 training steps.
{
  const flow = maf({ dim: 2, hidden: [32, 32], seed: 11 });
  const data = tf.tensor2d(mixture.sample(256, 12));
  // Losses are read back every step here, so that no step's loss is pending when counting.
  const loop = new TrainingLoop('memory check', flow, { learningRate: 1e-3, lossCheckEvery: 1 });
  const steps = quick ? 1000 : 10_000;
  let afterFirst = 0;
  withoutValidation(() => {
    loop.beginEpoch();
    for (let s = 0; s < steps; s++) {
      loop.step(() => tf.neg(tf.mean(flow.logProb(data))) as tf.Scalar, 256);
      if (s === 0) afterFirst = tf.memory().numTensors;
    }
  });
  const after = tf.memory().numTensors;
  report(`tensors after ${steps} steps minus after the first step`, after - afterFirst, 0);
  loop.finish();
  data.dispose();
  flow.dispose();
}

const failed = results.filter((r) => !r.pass).length;
console.log(`\n${results.length - failed} of ${results.length} figures within their thresholds`);
process.exitCode = failed ? 1 : 0;
