// Shared seeded problems for the Bayesian tests.
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
