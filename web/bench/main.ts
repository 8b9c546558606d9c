/**
 * The browser side of `npm run bench:browser`: time a MAF training step (hidden 64, batch 256) on
 * the page's backend. Steps run back to back and the clock stops after the last step's weights
 * are read back, so asynchronous backends (WebGL, WebGPU) are timed for the work they actually did.
 * `#result` carries `data-ms-per-step` when done; with `?hold=1` the timed steps start on a click on
 * `#go`, after the warm-up.
 */
import * as tf from '@tensorflow/tfjs';
import { maf, TrainingLoop, withoutValidation } from '../../src/index.js';
import { showError, startBackend } from '../common/backend.js';

async function main(): Promise<void> {
  const choice = await startBackend();
  const params = new URLSearchParams(location.search);
  const steps = Number(params.get('steps') ?? 40);
  const warmup = Number(params.get('warmup') ?? 5);
  const flow = maf({ dim: 3, contextDim: 13, hidden: [64, 64], transforms: 5, seed: 1 });
  const x = tf.randomNormal([256, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
  const ctx = tf.randomNormal([256, 13], 0, 1, 'float32', 2) as tf.Tensor2D;
  const loop = new TrainingLoop('bench', flow, { learningRate: 5e-4, lossCheckEvery: 25 });
  const step = () => loop.step(() => tf.neg(tf.mean(flow.logProb(x, ctx))) as tf.Scalar, 256);
  const sync = () => flow.trainableVariables()[0].data();
  // Input checks off, as in the Node benchmark (they read values back every step).
  const run = (count: number) => withoutValidation(() => {
    for (let i = 0; i < count; i++) step();
  });
  loop.beginEpoch();
  run(warmup);
  await sync();
  // With ?hold=1 the timed steps wait for a click on #go (a harness reads process CPU times around them).
  if (params.get('hold') === '1') {
    const go = document.getElementById('go') as HTMLButtonElement;
    go.disabled = false;
    await new Promise((resolve) => go.addEventListener('click', resolve, { once: true }));
  }
  const t0 = performance.now();
  run(steps);
  await sync();
  const msPerStep = (performance.now() - t0) / steps;
  loop.finish();
  tf.dispose([x, ctx]);
  flow.dispose();
  const out = document.getElementById('result')!;
  out.textContent = `${msPerStep.toFixed(2)} ms per step on ${choice.name} (${steps} steps after ${warmup} warm-up steps)`;
  out.dataset.msPerStep = msPerStep.toFixed(3);
  out.dataset.backend = choice.name;
}

main().catch((error) => {
  showError(error);
  document.getElementById('result')!.textContent = 'failed';
});
