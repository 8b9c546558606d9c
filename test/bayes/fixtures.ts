// Shared seeded problems for the Bayesian tests.
import { Matrix, QrDecomposition } from 'ml-matrix';
import { Random } from '../../src/random.js';
import { BayesianLinearRegression } from '../../src/bayes/linearRegression.js';

/** A 3-coefficient regression (intercept and two correlated covariates), n = 40, sigma = 0.5. */
export function regressionProblem(seed = 11): BayesianLinearRegression {
  const r = new Random(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 40; i++) {
    const a = r.normal();
    const b = 0.6 * a + 0.8 * r.normal();
    x.push([1, a, b]);
    y.push(0.5 - 1 * a + 2 * b + 0.5 * r.normal());
  }
  return new BayesianLinearRegression({ x, y, noiseSd: 0.5, priorSd: [2, 2, 2] });
}

/** Over-dispersed starting points, one per chain. */
export function startingPoints(chains: number, dim: number, seed = 5, sd = 2): number[][] {
  const r = new Random(seed);
  return Array.from({ length: chains }, () => Array.from({ length: dim }, () => sd * r.normal()));
}

/**
 * A zero-mean Gaussian in `dim` dimensions whose covariance has eigenvalues log-spaced from 1 to
 * `condition` along a random rotation (seeded): Sigma = Q diag(lambda) Q'.
 */
export function correlatedGaussian(dim: number, condition: number, seed = 3): { covariance: number[][]; precision: number[][] } {
  const r = new Random(seed);
  const a = new Matrix(Array.from({ length: dim }, () => Array.from({ length: dim }, () => r.normal())));
  const q = new QrDecomposition(a).orthogonalMatrix;
  const lambda = Array.from({ length: dim }, (_, i) => condition ** (i / (dim - 1)));
  const build = (f: (l: number) => number) =>
    Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => lambda.reduce((s, l, k) => s + q.get(i, k) * f(l) * q.get(j, k), 0)));
  return { covariance: build((l) => l), precision: build((l) => 1 / l) };
}
