// The variational families on Bayesian linear regression, whose posterior is an exact Gaussian
// and whose log joint is normalised (log Z = the evidence), so KL(q || p) = log Z - ELBO(q).
import { afterAll, describe, expect, test } from 'vitest';
import { meanFieldPosterior } from '../../src/bayes/meanField.js';
import { flowPosterior } from '../../src/bayes/flowPosterior.js';
import { diagonalMatrix, gaussianKL, meanFieldOptimalKL } from '../../src/bayes/gaussian.js';
import { estimateLogZ } from '../../src/train/variational.js';
import { cosineSchedule } from '../../src/train/schedules.js';
import { regressionProblem } from './fixtures.js';

const blr = regressionProblem();
afterAll(() => blr.dispose());

describe('variational families on Bayesian linear regression', () => {
  test('closed forms: the Gaussian KL is zero at the posterior, and the mean-field optimum is zero for a diagonal one', () => {
    const { posteriorMean: m, posteriorCovariance: S } = blr;
    expect(gaussianKL(m, S, m, S)).toBeCloseTo(0, 10);
    expect(meanFieldOptimalKL(diagonalMatrix([1, 2, 3]))).toBeCloseTo(0, 10);
    // The posterior's coefficients are correlated, so mean-field pays a definite price.
    expect(meanFieldOptimalKL(S)).toBeGreaterThan(0.05);
  });

  test('mean-field: the fitted KL equals its closed form, and log Z - ELBO agrees', () => {
    const logJoint = blr.logJoint();
    const { q } = meanFieldPosterior(logJoint, { dim: 3, seed: 1, maxEpochs: 30, learningRate: 0.03, schedule: cosineSchedule(30, 0.02), patience: 30, samplesPerStep: 128, stepsPerEpoch: 50, validationSamples: 2048 });
    const loc = Array.from(q.loc.dataSync());
    const variances = Array.from(q.logScale.dataSync(), (s) => Math.exp(2 * s));
    const fittedKL = gaussianKL(loc, diagonalMatrix(variances), blr.posteriorMean, blr.posteriorCovariance);
    const optimum = meanFieldOptimalKL(blr.posteriorCovariance);
    console.log(`BLR mean-field: KL of the fit ${fittedKL.toFixed(5)}, closed-form optimum ${optimum.toFixed(5)}`);
    expect(Math.abs(fittedKL - optimum) / optimum).toBeLessThan(0.03);
    const z = estimateLogZ(q, logJoint, 50_000, 2);
    console.log(`BLR mean-field: log Z - ELBO ${(blr.logEvidence() - z.elbo).toFixed(5)}`);
    expect(Math.abs(blr.logEvidence() - z.elbo - optimum)).toBeLessThan(0.01);
    q.dispose();
  });

  test('flow (IAF): KL(q || p) below 0.01', () => {
    const logJoint = blr.logJoint();
    const { q } = flowPosterior(logJoint, { dim: 3, flow: 'iaf', transforms: 2, hidden: [16, 16], seed: 2, maxEpochs: 30, learningRate: 1e-2, schedule: cosineSchedule(30, 0.02), patience: 30, samplesPerStep: 128, stepsPerEpoch: 50, validationSamples: 2048 });
    const z = estimateLogZ(q, logJoint, 50_000, 3);
    const kl = blr.logEvidence() - z.elbo;
    console.log(`BLR IAF flow: KL(q || p) = log Z - ELBO = ${kl.toFixed(5)}`);
    expect(kl).toBeLessThan(0.01);
    expect(kl).toBeGreaterThan(-0.005);
    q.dispose();
  });
});
