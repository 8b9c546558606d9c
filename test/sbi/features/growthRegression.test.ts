// The growth regression: exact on series that follow its line, the unidentified cases, failed
// simulations, saving, and that its dispersion tracks the process noise of Ricker series.
import { describe, expect, test } from 'vitest';
import { GrowthRegression, growthRegression, GROWTH_REGRESSION_NAMES } from '../../../src/sbi/features/growthRegression.js';
import { moduleFromConfig } from '../../../src/io/registry.js';
import { simulateDataset } from '../../../src/sbi/simulation/simulateDataset.js';
import { UniformPrior } from '../../../src/sbi/simulation/prior.js';
import { ricker } from '../../../simulators/ricker/ricker.js';

/** A series whose log growth is exactly a + b y_t (real-valued "counts"). */
function onLine(a: number, b: number, y0: number, T: number): Float64Array {
  const y = new Float64Array(T);
  y[0] = y0;
  for (let t = 1; t < T; t++) y[t] = y[t - 1] * Math.exp(a + b * y[t - 1]);
  return y;
}

describe('growthRegression', () => {
  test('recovers intercept and slope exactly on a series that follows its line (no residual)', () => {
    const T = 12;
    const y = onLine(1.2, -0.1, 3, T);
    const [a, b, dispersion, excess, pairs] = growthRegression(y, 1, T);
    expect(a).toBeCloseTo(1.2, 10);
    expect(b).toBeCloseTo(-0.1, 10);
    expect(dispersion).toBeCloseTo(0, 10);
    // No residual: the excess variance is minus the mean Poisson variance (m - 2 in the denominator).
    let v = 0;
    for (let t = 0; t + 1 < T; t++) v += 1 / y[t] + 1 / y[t + 1];
    expect(excess).toBeCloseTo(-v / (T - 3), 10);
    expect(pairs).toBe(1);
    expect(new GrowthRegression({ length: T }).outputDim).toBe(GROWTH_REGRESSION_NAMES.length);
  });

  test('pairs with a zero are skipped; too few pairs or no spread give the mean growth and zeros', () => {
    // Pairs (2,4) and (4,8) only: two pairs cannot identify a slope.
    const few = Float64Array.from([2, 4, 8, 0, 0, 5]);
    const [a, ...rest] = growthRegression(few, 1, 6);
    expect(a).toBeCloseTo(Math.log(2), 14);
    expect(rest).toEqual([0, 0, 0, 2 / 5]);
    // A constant series: every y_t equal, no slope.
    expect(Array.from(growthRegression(Float64Array.from([7, 7, 7, 7, 7]), 1, 5))).toEqual([0, 0, 0, 0, 1]);
    // All zeros, and a single count.
    expect(Array.from(growthRegression(new Float64Array(4), 1, 4))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(growthRegression(Float64Array.from([3]), 1, 1))).toEqual([0, 0, 0, 0, 0]);
  });

  test('a row with NaN or Infinity gives NaN; the other rows are unaffected', () => {
    const rows = Float64Array.from([1, 2, 3, 4, NaN, 2, 3, Infinity, 1, 2, 4, 3, 5, 2, 6]);
    const out = growthRegression(rows, 3, 5);
    expect(Array.from(out.subarray(0, 5)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(5, 10)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(10)).every(Number.isFinite)).toBe(true);
    expect(() => growthRegression(rows, 2, 5)).toThrow(/growthRegression/);
  });

  test('saves and loads through the registry', () => {
    const m = moduleFromConfig<GrowthRegression>(new GrowthRegression({ length: 9 }).toConfig());
    expect(m).toBeInstanceOf(GrowthRegression);
    expect(m.inputDim).toBe(9);
    expect(() => new GrowthRegression({ length: 0 })).toThrow(/GrowthRegression: length must be a positive integer/);
  });

  test('on Ricker series its dispersion grows with sigma and its slope follows -1/phi', async () => {
    const stats = async (theta: number[]) => {
      const prior = new UniformPrior(theta, theta.map((v) => v + 1e-9));
      const sim = await simulateDataset({ simulator: ricker({ T: 50 }), prior, n: 400, seed: 5 });
      const g = growthRegression(sim.xs, 400, 50);
      const mean = (j: number) => Array.from({ length: 400 }, (_, i) => g[i * 5 + j]).reduce((s, v) => s + v, 0) / 400;
      return { slope: mean(1), dispersion: mean(2) };
    };
    const quiet = await stats([3.6, 0.1, 16]);
    const noisy = await stats([3.6, 0.5, 16]);
    const fewCounts = await stats([3.6, 0.1, 5]);
    expect(noisy.dispersion).toBeGreaterThan(quiet.dispersion + 1.5);
    // The slope estimates -1/phi (attenuated by the Poisson noise in y_t, so a loose band).
    expect(quiet.slope).toBeGreaterThan(-1 / 16 * 1.3);
    expect(quiet.slope).toBeLessThan(-1 / 16 * 0.7);
    expect(fewCounts.slope).toBeLessThan(2 * quiet.slope);
  });
});
