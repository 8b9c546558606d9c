// Priors beyond the box: Gaussian, log-normal and independent products, each with sample and
// logProb; an unbounded prior feeds NPE (no Box map) and rejection ABC through simulateDataset.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { GaussianPrior } from '../../../src/sbi/simulation/gaussianPrior.js';
import { LogNormalPrior } from '../../../src/sbi/simulation/logNormalPrior.js';
import { ProductPrior } from '../../../src/sbi/simulation/productPrior.js';
import { UniformPrior } from '../../../src/sbi/simulation/prior.js';
import { simulateDataset } from '../../../src/sbi/simulation/simulateDataset.js';
import { simulatorFromFunction } from '../../../src/sbi/simulation/simulator.js';
import { rejectionABC } from '../../../src/sbi/abc.js';
import { trainNPE } from '../../../src/sbi/npe/trainNPE.js';
import { Random } from '../../../src/random.js';

function moments(x: Float64Array, d: number) {
  const n = x.length / d;
  const mean = Array.from({ length: d }, (_, j) => x.filter((_, i) => i % d === j).reduce((s, v) => s + v, 0) / n);
  const cov = (a: number, b: number) => x.reduce((s, _, i) => (i % d === 0 ? s + (x[i + a] - mean[a]) * (x[i + b] - mean[b]) : s), 0) / (n - 1);
  return { mean, cov };
}

describe('priors', () => {
  test('GaussianPrior: moments of 20 000 draws and the closed-form density', () => {
    const prior = new GaussianPrior([1, -2], [[4, 1.2], [1.2, 1]]);
    const { mean, cov } = moments(prior.sample(20000, 1), 2);
    expect(mean[0]).toBeCloseTo(1, 1);
    expect(mean[1]).toBeCloseTo(-2, 1);
    expect(cov(0, 0)).toBeCloseTo(4, 0);
    expect(cov(0, 1)).toBeCloseTo(1.2, 1);
    // At theta = mean + (2, 0): Sigma^-1 = [[1, -1.2], [-1.2, 4]] / 2.56, quadratic form 4 / 2.56.
    const lp = prior.logProb(Float64Array.of(3, -2, 1, -2));
    expect(lp[0]).toBeCloseTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(2.56) - 0.5 * (4 / 2.56), 10);
    expect(lp[1]).toBeCloseTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(2.56), 10);
    expect(prior.sample(3, 7)).toEqual(prior.sample(3, 7));
    expect(() => new GaussianPrior([0, 0], [[1, 2], [2, 1]])).toThrow(/GaussianPrior: covariance must be positive definite/);
    expect(() => new GaussianPrior([0, 0], [[1, 0.5], [0.4, 1]])).toThrow(/GaussianPrior: covariance must be symmetric/);
  });

  test('LogNormalPrior and ProductPrior: densities, support and bounds', () => {
    const logNormal = new LogNormalPrior([0, 1], [0.5, 2]);
    const lp = logNormal.logProb(Float64Array.of(1, Math.E, -1, 1));
    const expected = (v: number, mu: number, s: number) => -Math.log(v) - Math.log(s) - 0.5 * Math.log(2 * Math.PI) - (Math.log(v) - mu) ** 2 / (2 * s * s);
    expect(lp[0]).toBeCloseTo(expected(1, 0, 0.5) + expected(Math.E, 1, 2), 12);
    expect(lp[1]).toBe(-Infinity);
    expect(logNormal.sample(1000, 2).every((v) => v > 0)).toBe(true);
    expect(logNormal.bounds).toBeUndefined();

    const product = new ProductPrior([new UniformPrior([0], [2]), logNormal]);
    expect(product.dim).toBe(3);
    expect(product.bounds).toBeUndefined();
    const p = product.logProb(Float64Array.of(1, 1, Math.E));
    expect(p[0]).toBeCloseTo(-Math.log(2) + lp[0], 12);
    const boxes = new ProductPrior([new UniformPrior([0], [2]), new UniformPrior([-1, 3], [1, 4])]);
    expect(boxes.bounds).toEqual({ low: [0, -1, 3], high: [2, 1, 4] });
  });

  test('an unbounded prior trains NPE without the Box map and feeds rejection ABC', async () => {
    const prior = new GaussianPrior([0, 0], [[1, 0], [0, 1]]);
    const simulator = simulatorFromFunction((theta, seed) => {
      const r = new Random(seed);
      return [theta[0] + 0.2 * r.normal(), theta[1] + 0.2 * r.normal()];
    }, { thetaDim: 2, outputDim: 2 });
    const sims = await simulateDataset({ simulator, prior, n: 2000, seed: 3 });
    const abc = rejectionABC({ thetas: sims.thetas, thetaDim: 2, summaries: sims.xs, summaryDim: 2, observed: [1.5, -1.5], k: 50 });
    const abcMean = [0, 1].map((j) => abc.samples.filter((_, i) => i % 2 === j).reduce((s, v) => s + v, 0) / 50);
    expect(abcMean[0]).toBeGreaterThan(0.8);
    expect(abcMean[1]).toBeLessThan(-0.8);

    const { posterior } = trainNPE({ simulations: sims, bounds: prior.bounds, seed: 4, density: 'maf', flow: { hidden: [16], transforms: 2 }, maxEpochs: 20, learningRate: 3e-3 });
    expect(posterior.bounds).toBeNull();
    // Far in the tail of the prior, outside any box: the posterior goes there (mean near 0.96 x).
    const mean = posterior.mean([2.5, -2.5], 500, 5);
    const [m0, m1] = mean.arraySync()[0];
    expect(m0).toBeGreaterThan(1.8);
    expect(m1).toBeLessThan(-1.8);
    tf.dispose(mean);
    posterior.dispose();
  });
});
