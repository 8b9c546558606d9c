// Metropolis, HMC and NUTS against exact posteriors: Bayesian linear regression (means and sds
// within 4 Monte Carlo standard errors, R-hat < 1.01) and a 50-D Gaussian with condition number
// 100 under a random rotation (covariance recovered). Seeded, so the figures are reproducible.
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { metropolis } from '../../src/bayes/metropolis.js';
import { hmc } from '../../src/bayes/hmc.js';
import { nuts } from '../../src/bayes/nuts.js';
import type { McmcResult } from '../../src/bayes/mcmcResult.js';
import { correlatedGaussian, regressionProblem, startingPoints } from './fixtures.js';

const blr = regressionProblem();
afterAll(() => blr.dispose());

function expectAgreesWithExact(run: McmcResult): void {
  expect(run.chainDraws.length).toBe(4);
  const z = run.estimates().map((e, j) => [(e.mean - blr.posteriorMean[j]) / e.mcseMean, (e.sd - blr.posteriorSd[j]) / e.mcseSd]);
  console.log(`BLR ${run.sampler}: max R-hat ${run.maxRhat().toFixed(4)}, min bulk ESS ${run.minEssBulk().toFixed(0)}, largest |error| / MCSE: mean ${Math.max(...z.map((v) => Math.abs(v[0]))).toFixed(2)}, sd ${Math.max(...z.map((v) => Math.abs(v[1]))).toFixed(2)}`);
  expect(run.maxRhat()).toBeLessThan(1.01);
  run.estimates().forEach((e, j) => {
    const meanZ = Math.abs(e.mean - blr.posteriorMean[j]) / e.mcseMean;
    const sdZ = Math.abs(e.sd - blr.posteriorSd[j]) / e.mcseSd;
    expect(meanZ, `coefficient ${j}: mean ${e.mean} vs exact ${blr.posteriorMean[j]} (MCSE ${e.mcseMean})`).toBeLessThan(4);
    expect(sdZ, `coefficient ${j}: sd ${e.sd} vs exact ${blr.posteriorSd[j]} (MCSE ${e.mcseSd})`).toBeLessThan(4);
    // The MCSEs are small enough for the comparison to mean something.
    expect(e.mcseMean).toBeLessThan(0.1 * blr.posteriorSd[j]);
  });
}

describe('samplers on Bayesian linear regression (exact posterior)', () => {
  test('metropolis', () => {
    const logJoint = blr.logJoint(); // makes (and keeps) the data tensors
    const before = tf.memory().numTensors;
    const run = metropolis(logJoint, { initial: startingPoints(4, 3), warmup: 2000, samples: 8000, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expectAgreesWithExact(run);
    for (const a of run.stats.acceptance) expect(a).toBeGreaterThan(0.05);
  });

  test('hmc', () => {
    // About a quarter to a half of the Gaussian's period in metric units (eps near 1): longer
    // fixed trajectories come back near their start and mix worse.
    const run = hmc(blr.logJoint(), { initial: startingPoints(4, 3), warmup: 300, samples: 1500, leapfrogSteps: 3, seed: 2 });
    expectAgreesWithExact(run);
    expect(run.stats.divergences.every((d) => d === 0)).toBe(true);
  });

  test('nuts', () => {
    const run = nuts(blr.logJoint(), { initial: startingPoints(4, 3), warmup: 300, samples: 1000, seed: 3 });
    expectAgreesWithExact(run);
    expect(run.stats.divergences.every((d) => d === 0)).toBe(true);
    for (const depth of run.stats.treeDepth) expect(depth).toBeGreaterThan(1);
  });

  test('draws come back as [chains, samples, dim], the same seed gives the same draws, no tensor leaks', () => {
    const options = { initial: startingPoints(2, 3), warmup: 30, samples: 20, seed: 9 };
    const logJoint = blr.logJoint();
    const before = tf.memory().numTensors;
    const a = nuts(logJoint, options);
    hmc(logJoint, options);
    expect(tf.memory().numTensors).toBe(before);
    const b = nuts(logJoint, options);
    const t = a.draws();
    expect(t.shape).toEqual([2, 20, 3]);
    t.dispose();
    expect(Array.from(a.pooled())).toEqual(Array.from(b.pooled()));
  });
});

describe('HMC and NUTS on a 50-D Gaussian with condition number 100', () => {
  const D = 50;
  const { covariance, precision } = correlatedGaussian(D, 100);
  const P = tf.keep(tf.tensor2d(precision));
  afterAll(() => P.dispose());
  const logDensity = (x: tf.Tensor2D) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.mul(tf.matMul(x, P), x), 1)) as tf.Tensor1D);

  function expectCovarianceRecovered(run: McmcResult): { relativeError: number; whitenedTrace: number } {
    const S = run.covariance();
    let num = 0;
    let den = 0;
    let trace = 0;
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        num += (S[i * D + j] - covariance[i][j]) ** 2;
        den += covariance[i][j] ** 2;
        trace += precision[i][j] * S[j * D + i];
      }
    }
    const relativeError = Math.sqrt(num / den);
    const whitenedTrace = trace / D;
    // Every marginal variance within 4 MCSE (from the ESS of the squared deviations).
    run.estimates().forEach((e, j) => {
      expect(Math.abs(e.mean) / e.mcseMean, `mean of coordinate ${j}`).toBeLessThan(4);
      expect(Math.abs(e.sd - Math.sqrt(covariance[j][j])) / e.mcseSd, `sd of coordinate ${j}`).toBeLessThan(4);
    });
    // The whole matrix: relative Frobenius error (the diagonal of Sigma alone is 0.75 away, so
    // this needs the correlations), and tr(Sigma^-1 S) / d (1 when the small directions, which
    // the Frobenius norm hardly sees, are right too).
    console.log(`50-D Gaussian ${run.sampler}: relative Frobenius error ${relativeError.toFixed(4)}, tr(Sigma^-1 S)/d ${whitenedTrace.toFixed(4)}, max R-hat ${run.maxRhat().toFixed(4)}, min bulk ESS ${run.minEssBulk().toFixed(0)}`);
    expect(relativeError).toBeLessThan(0.25);
    expect(Math.abs(whitenedTrace - 1)).toBeLessThan(0.05);
    return { relativeError, whitenedTrace };
  }

  test('hmc', () => {
    const run = hmc(logDensity, { initial: startingPoints(4, D, 7, 3), warmup: 300, samples: 800, leapfrogSteps: 24, seed: 4 });
    expectCovarianceRecovered(run);
  });

  test('nuts', () => {
    const run = nuts(logDensity, { initial: startingPoints(4, D, 8, 3), warmup: 300, samples: 500, seed: 5 });
    expectCovarianceRecovered(run);
  });
});
