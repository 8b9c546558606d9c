/**
 * Part 1 of `npm run example:bnn`: Bayesian linear regression (quadratic features, known noise),
 * the exact posterior beside Metropolis, HMC, NUTS and mean-field VI.
 */
import path from 'node:path';
import { BayesianLinearRegression, metropolis, hmc, nuts, meanFieldPosterior, gaussianKL, diagonalMatrix, meanFieldOptimalKL, Random, cosineSchedule, type McmcResult } from '../../src/index.js';
import { renderVegaLite, writePng } from '../../src/node/png.js';
import { coefficientPanels, histogramRows, predictiveBand } from './figures.js';

const features = (x: number) => [1, x, x * x];

export async function regressionPart(out: string, seed: number, quick: boolean): Promise<Record<string, unknown>> {
  const r = new Random(seed);
  const xs = Array.from({ length: 30 }, () => 2 * r.uniform() - 1);
  const ys = xs.map((x) => 0.5 - x + 1.5 * x * x + 0.3 * r.normal());
  const blr = new BayesianLinearRegression({ x: xs.map(features), y: ys, noiseSd: 0.3, priorSd: 2 });
  const logJoint = blr.logJoint();
  const initial = Array.from({ length: 4 }, () => [0, 0, 0].map(() => 2 * r.normal()));
  const scale = quick ? 0.25 : 1;
  const runs: Record<string, McmcResult> = {
    Metropolis: metropolis(logJoint, { initial, warmup: quick ? 300 : 1000, samples: Math.round(4000 * scale), seed: seed + 1 }),
    HMC: hmc(logJoint, { initial, warmup: quick ? 100 : 500, samples: Math.round(1000 * scale), leapfrogSteps: 3, seed: seed + 2 }),
    NUTS: nuts(logJoint, { initial, warmup: quick ? 100 : 500, samples: Math.round(1000 * scale), seed: seed + 3 }),
  };
  const { q, history } = meanFieldPosterior(logJoint, { dim: 3, seed: seed + 4, maxEpochs: 30, learningRate: 0.03, schedule: cosineSchedule(30, 0.02), patience: 30, samplesPerStep: 128, stepsPerEpoch: 50 });
  const mfDraws = q.sample(4000, { seed: seed + 5 });
  const mf = mfDraws.arraySync() as number[][];
  mfDraws.dispose();
  const loc = Array.from(q.loc.dataSync());
  const variances = Array.from(q.logScale.dataSync(), (s) => Math.exp(2 * s));
  const mfKL = gaussianKL(loc, diagonalMatrix(variances), blr.posteriorMean, blr.posteriorCovariance);

  const names = ['intercept w0', 'slope w1', 'quadratic w2'];
  const rows: Record<string, number | string>[] = [];
  const metrics: Record<string, unknown> = { exact: { mean: blr.posteriorMean, sd: blr.posteriorSd } };
  names.forEach((name, j) => {
    const m = blr.posteriorMean[j];
    const s = blr.posteriorSd[j];
    const [lo, hi] = [m - 4.5 * s, m + 4.5 * s];
    for (let k = 0; k <= 120; k++) {
      const x = lo + ((hi - lo) * k) / 120;
      rows.push({ coefficient: name, method: 'exact', exact: 'yes', x, density: Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI)) });
    }
    for (const [method, run] of Object.entries(runs)) {
      const values = Float64Array.from(run.column(j).flatMap((c) => Array.from(c)));
      rows.push(...histogramRows(values, lo, hi, 40, { coefficient: name, method, exact: 'no' }));
    }
    rows.push(...histogramRows(mf.map((w) => w[j]), lo, hi, 40, { coefficient: name, method: 'mean-field VI', exact: 'no' }));
  });
  for (const [method, run] of Object.entries(runs)) {
    const est = run.estimates();
    metrics[method] = {
      mean: est.map((e) => e.mean),
      sd: est.map((e) => e.sd),
      meanErrorInMcse: est.map((e, j) => (e.mean - blr.posteriorMean[j]) / e.mcseMean),
      sdErrorInMcse: est.map((e, j) => (e.sd - blr.posteriorSd[j]) / e.mcseSd),
      maxRhat: run.maxRhat(),
      minEssBulk: run.minEssBulk(),
      acceptance: run.stats.acceptance,
      divergences: run.stats.divergences,
      seconds: run.stats.wallTimeMs / 1000,
    };
  }
  metrics['mean-field VI'] = { mean: loc, sd: variances.map(Math.sqrt), klToPosterior: mfKL, klOptimum: meanFieldOptimalKL(blr.posteriorCovariance), epochs: history.epochs };
  await writePng(path.join(out, 'regression-coefficients.png'), renderVegaLite(coefficientPanels(rows, 'Bayesian linear regression: exact posterior and approximate draws', names)));

  const grid = Array.from({ length: 81 }, (_, k) => -1.1 + (2.2 * k) / 80);
  const exact = blr.predictive(grid.map(features));
  const band = grid.map((x, k) => ({ x, lo: exact.mean[k] - 1.96 * exact.sd[k], hi: exact.mean[k] + 1.96 * exact.sd[k] }));
  const means: Record<string, number | string>[] = grid.map((x, k) => ({ x, mean: exact.mean[k], method: 'exact' }));
  const nutsMean = runs.NUTS.estimates().map((e) => e.mean);
  grid.forEach((x) => means.push({ x, mean: features(x).reduce((s, v, i) => s + v * nutsMean[i], 0), method: 'NUTS' }));
  grid.forEach((x) => means.push({ x, mean: features(x).reduce((s, v, i) => s + v * loc[i], 0), method: 'mean-field VI' }));
  await writePng(
    path.join(out, 'regression-predictive.png'),
    renderVegaLite(predictiveBand(band, xs.map((x, i) => ({ x, y: ys[i] })), means, 'Posterior predictive: exact 95% band (shaded) and predictive means')),
  );
  q.dispose();
  blr.dispose();
  return metrics;
}
