// The variational families on Bayesian linear regression, whose posterior is an exact Gaussian
// and whose log joint is normalised (log Z = the evidence), so KL(q || p) = log Z - ELBO(q).
import { afterAll, describe, expect, test } from 'vitest';
import { meanFieldPosterior } from '../../src/bayes/meanField.js';
import { flowPosterior } from '../../src/bayes/flowPosterior.js';
import { diagonalMatrix, gaussianKL, meanFieldOptimalKL } from '../../src/bayes/gaussian.js';
import { estimateLogZ } from '../../src/train/variational.js';
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
    const { q } = meanFieldPosterior(logJoint, { dim: 3, seed: 1, maxEpochs: 40, learningRate: 0.02, patience: 8, samplesPerStep: 128 });
    const loc = Array.from(q.loc.dataSync());
    const variances = Array.from(q.logScale.dataSync(), (s) => Math.exp(2 * s));
    const fittedKL = gaussianKL(loc, diagonalMatrix(variances), blr.posteriorMean, blr.posteriorCovariance);
    const optimum = meanFieldOptimalKL(blr.posteriorCovariance);
    expect(Math.abs(fittedKL - optimum) / optimum).toBeLessThan(0.03);
    const z = estimateLogZ(q, logJoint, 50_000, 2);
    expect(Math.abs(blr.logEvidence() - z.elbo - optimum)).toBeLessThan(0.01);
    q.dispose();
  });

  test('flow (IAF): KL(q || p) below 0.01', () => {
    const logJoint = blr.logJoint();
    const { q } = flowPosterior(logJoint, { dim: 3, flow: 'iaf', transforms: 3, hidden: [32, 32], seed: 2, maxEpochs: 40, learningRate: 3e-3, patience: 8, samplesPerStep: 128 });
    const z = estimateLogZ(q, logJoint, 50_000, 3);
    const kl = blr.logEvidence() - z.elbo;
    expect(kl).toBeLessThan(0.01);
    expect(kl).toBeGreaterThan(-0.005);
    q.dispose();
  });
});
