/**
 * Density estimation in 2-D: fit MAF, NSF and RealNVP by maximum likelihood to two moons and to a
 * ring of eight Gaussians (generated in code), then write PNGs to --out (default out/density-2d):
 * data beside samples of each flow, the learned densities as heat maps, and the training curves.
 *
 *   npm run example:density -- [--epochs 150] [--n 6000] [--seed 1] [--out out/density-2d] [--quiet]
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { ready, maf, realNVP, twoMoons, ringOfGaussians, fitFlow, type Flow } from '../src/index.js';
import { nsf } from '../src/flows/nsf.js';
import { epochProgress } from '../src/node/epochProgress.js';
import { makeGrid } from '../src/plot/index.js';
import { plotHeatmap, plotScatterPanels, plotTrainingCurves, writePng } from '../src/node/png.js';
import { parseFlags } from '../src/cli/args.js';

const flags = parseFlags('density-2d', {
  epochs: { default: 150, help: 'maximum epochs per flow (early stopping may end sooner)' },
  n: { default: 6000, help: 'training points per dataset' },
  seed: { default: 1, help: 'seed for data, initialisation and training' },
  out: { default: 'out/density-2d', help: 'output folder' },
  quiet: { default: false, help: 'no progress bars' },
});

await ready({ quiet: flags.quiet });
const datasets = {
  moons: { points: twoMoons(flags.n, flags.seed), domain: [[-1.5, 2.5], [-1, 1.5]] as [number, number][] },
  ring: { points: ringOfGaussians().sample(flags.n, flags.seed), domain: [[-3, 3], [-3, 3]] as [number, number][] },
};
const builders = { MAF: maf, NSF: nsf, RealNVP: realNVP } as const;

for (const [dataName, data] of Object.entries(datasets)) {
  const panels = [{ title: 'data', points: data.points }];
  const curves = [];
  for (const [flowName, build] of Object.entries(builders)) {
    const flow: Flow = build({ dim: 2, seed: flags.seed });
    const progress = epochProgress({ maxEpochs: flags.epochs, label: `${dataName} ${flowName}`, quiet: flags.quiet });
    const history = fitFlow(flow, data.points, {
      seed: flags.seed,
      maxEpochs: flags.epochs,
      learningRate: 1e-3,
      onEpochEnd: progress.onEpochEnd,
    });
    progress.stop();
    console.log(
      `${dataName} ${flowName}: held-out NLL ${history.bestValidationLoss.toFixed(3)} nats at epoch ${history.bestEpoch} ` +
        `(${history.epochs} epochs, ${(history.wallTimeMs / 1000).toFixed(1)} s, stop: ${history.stopReason})`,
    );
    curves.push({ name: `${flowName} validation`, values: history.validationLoss }, { name: `${flowName} train`, values: history.trainLoss });

    const samples = tf.tidy(() => flow.sample(data.points.length, { seed: flags.seed + 1 }).arraySync());
    panels.push({ title: `${flowName} samples`, points: samples });
    const grid = makeGrid({ xDomain: data.domain[0], yDomain: data.domain[1], nx: 160 });
    const logDensity = tf.tidy(() => Array.from(flow.logProb(tf.tensor2d(grid.points)).dataSync()));
    await writePng(
      path.join(flags.out, `${dataName}-${flowName}-density.png`),
      await plotHeatmap({ x: grid.x, y: grid.y, values: logDensity }, { input: 'logDensity', show: 'density', title: `${flowName} density, ${dataName}` }),
    );
    flow.dispose();
  }
  await writePng(
    path.join(flags.out, `${dataName}-samples.png`),
    await plotScatterPanels(panels, { title: `${dataName}: data and flow samples`, xDomain: data.domain[0], yDomain: data.domain[1], width: 260, height: 260 }),
  );
  await writePng(
    path.join(flags.out, `${dataName}-curves.png`),
    await plotTrainingCurves(curves, { title: `${dataName}: negative log-likelihood per epoch`, yTitle: 'NLL (nats)' }),
  );
}
console.log(`figures written to ${flags.out}`);
