/**
 * Part 2 of `npm run example:bnn`: a Bayesian MLP classifier on two moons, fitted four ways (MAP,
 * NUTS, mean-field VI, IAF flow VI started from the mean-field fit), compared by predictive maps,
 * test accuracy, test log-likelihood, calibration, ELBO and the distance of each predictive to
 * NUTS's (mean KL between predictive Bernoullis over a grid).
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  BayesianMLP, nuts, meanFieldPosterior, flowPosterior, estimateLogZ, twoMoons, cosineSchedule,
  accuracy, bernoulliLogLikelihood, calibration, meanBernoulliKL, type Distribution,
} from '../../src/index.js';
import { renderVegaLite, writePng } from '../../src/node/png.js';
import { probabilityMaps, reliabilityDiagram } from './figures.js';

/** Labelled two-moons points: label = which moon (the generator alternates them). */
export function moons(n: number, seed: number, noise = 0.2): { x: number[][]; y: number[] } {
  const x = twoMoons(n, seed, noise);
  return { x, y: x.map((_, i) => i % 2) };
}

function drawsOf(q: Distribution, n: number, seed: number): number[][] {
  return tf.tidy(() => q.sample(n, { seed }).arraySync() as number[][]);
}

export async function moonsPart(out: string, seed: number, quick: boolean): Promise<Record<string, unknown>> {
  const train = moons(200, seed);
  const test = moons(1000, seed + 1);
  const model = new BayesianMLP({ x: train.x, y: train.y, hidden: [10] });
  const logJoint = model.logJoint();
  const epochs = quick ? 3 : 30;
  const timings: Record<string, number> = {};
  const time = <T>(label: string, f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    timings[label] = (performance.now() - t0) / 1000;
    return r;
  };

  const map = time('MAP', () => model.fitMap({ steps: quick ? 500 : 2000, learningRate: 0.03, seed }));
  const run = time('NUTS', () =>
    nuts(logJoint, { initial: model.samplePrior(4, seed + 2, 0.5), warmup: quick ? 40 : 250, samples: quick ? 40 : 250, maxTreeDepth: quick ? 5 : 6, seed: seed + 3 }),
  );
  const common = { seed: seed + 4, maxEpochs: epochs, patience: epochs, samplesPerStep: 32, stepsPerEpoch: 100, validationLogDensity: logJoint, validationSamples: 1024 };
  const mf = time('mean-field VI', () =>
    meanFieldPosterior(model.minibatchLogJoint(50, seed + 5), { ...common, dim: model.dim, loc: map, scale: 0.05, learningRate: 0.01, schedule: cosineSchedule(epochs, 0.05) }),
  );
  const mfLoc = Array.from(mf.q.loc.dataSync());
  const mfScale = Array.from(mf.q.logScale.dataSync(), Math.exp);
  const flow = time('flow VI', () =>
    flowPosterior(model.minibatchLogJoint(50, seed + 6), { ...common, dim: model.dim, flow: 'iaf', transforms: 4, hidden: [64, 64], loc: mfLoc, scale: mfScale, learningRate: 1e-3, schedule: cosineSchedule(epochs, 0.05) }),
  );
  const elbo = {
    'mean-field VI': estimateLogZ(mf.q, logJoint, 20_000, seed + 7).elbo,
    'flow VI': estimateLogZ(flow.q, logJoint, 20_000, seed + 7).elbo,
  };

  const weights: Record<string, number[][] | Float64Array> = {
    MAP: [map],
    NUTS: run.pooled(),
    'mean-field VI': drawsOf(mf.q, 2000, seed + 8),
    'flow VI': drawsOf(flow.q, 2000, seed + 9),
  };
  const nx = 50;
  const ny = 40;
  const [x0, x1, y0, y1] = [-2, 3, -1.6, 2.1];
  const dx = (x1 - x0) / nx;
  const dy = (y1 - y0) / ny;
  const grid: number[][] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) grid.push([x0 + (i + 0.5) * dx, y0 + (j + 0.5) * dy]);
  const gridP: Record<string, number[]> = {};
  const scores: Record<string, Record<string, unknown>> = {};
  const reliability: Record<string, number | string>[] = [];
  for (const [method, w] of Object.entries(weights)) {
    gridP[method] = model.predict(w, grid).mean;
    const p = model.predict(w, test.x).mean;
    const cal = calibration(p, test.y);
    scores[method] = { testAccuracy: accuracy(p, test.y), testLogLikelihood: bernoulliLogLikelihood(p, test.y), expectedCalibrationError: cal.ece, seconds: timings[method] };
    cal.bins.forEach((b) => reliability.push({ method, confidence: b.confidence, frequency: b.frequency }));
  }
  for (const method of ['MAP', 'mean-field VI', 'flow VI']) scores[method].meanKLFromNUTSOverGrid = meanBernoulliKL(gridP.NUTS, gridP[method]);
  for (const [method, value] of Object.entries(elbo)) scores[method].elbo = value;
  scores.NUTS = { ...scores.NUTS, maxRhatWeights: run.maxRhat(), usefulBatchRows: run.stats.evaluations.reduce((a, b) => a + b, 0) / (run.stats.batchedCalls * run.chains), divergences: run.stats.divergences, meanTreeDepth: run.stats.treeDepth, acceptance: run.stats.acceptance };

  const points = train.x.map(([a, b], i) => ({ x: a, y: b, label: String(train.y[i]) }));
  const panels = Object.keys(weights).map((method) => ({
    title: `${method}: test acc ${((scores[method].testAccuracy as number) * 100).toFixed(1)}%, LL ${(scores[method].testLogLikelihood as number).toFixed(3)}`,
    cells: grid.map(([a, b], k) => ({ x: a - dx / 2, y: b - dy / 2, p: gridP[method][k] })),
  }));
  await writePng(path.join(out, 'moons-predictive.png'), renderVegaLite(probabilityMaps(panels, points, { dx, dy })));
  await writePng(path.join(out, 'moons-calibration.png'), renderVegaLite(reliabilityDiagram(reliability, 'Two moons: reliability on 1000 test points')));
  mf.q.dispose();
  flow.q.dispose();
  model.dispose();
  return { weights: model.dim, train: 200, test: 1000, methods: scores };
}
