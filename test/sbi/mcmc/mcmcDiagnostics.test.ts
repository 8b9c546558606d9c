import { describe, expect, it } from 'vitest';
import { essBasic, essBulk, essTail, normalQuantile, rankNormalize, rhat, splitChains, splitRhat, summarizeDraws } from '../../../src/sbi/mcmc/mcmcDiagnostics.js';
import { autocovariance } from '../../../src/sbi/mcmc/autocovariance.js';
import { Xoshiro128 } from '../../../src/sbi/simulation/simulationStreams.js';

function iidChains(m: number, n: number, seed: number, shift: (c: number) => number = () => 0, scale: (c: number) => number = () => 1): Float64Array[] {
  return Array.from({ length: m }, (_, c) => {
    const g = new Xoshiro128(seed, c);
    return Float64Array.from({ length: n }, () => shift(c) + scale(c) * g.normal());
  });
}

/** AR(1) chains x_t = rho x_{t-1} + sqrt(1 - rho^2) e_t started at stationarity. */
function ar1Chains(m: number, n: number, rho: number, seed: number): Float64Array[] {
  return Array.from({ length: m }, (_, c) => {
    const g = new Xoshiro128(seed, c);
    const x = new Float64Array(n);
    let v = g.normal();
    for (let t = 0; t < n; t++) {
      v = rho * v + Math.sqrt(1 - rho * rho) * g.normal();
      x[t] = v;
    }
    return x;
  });
}

describe('normalQuantile (AS 241)', () => {
  it('matches reference values and inverts the normal CDF', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    expect(normalQuantile(1e-300)).toBeCloseTo(-37.0470962993612, 10);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('autocovariance', () => {
  it('equals the direct biased estimator at every lag', () => {
    const x = ar1Chains(1, 37, 0.6, 1)[0];
    const n = x.length;
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const ac = autocovariance(x);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i + k < n; i++) s += (x[i] - mean) * (x[i + k] - mean);
      expect(ac[k]).toBeCloseTo(s / n, 12);
    }
  });
});

describe('R-hat and ESS', () => {
  it('gives R-hat near 1 and ESS near the number of draws for iid chains', () => {
    const chains = iidChains(4, 1000, 1);
    expect(rhat(chains)).toBeLessThan(1.01);
    expect(splitRhat(chains)).toBeLessThan(1.01);
    for (const ess of [essBulk(chains), essBasic(chains), essTail(chains)]) {
      expect(ess).toBeGreaterThan(0.8 * 4000);
      expect(ess).toBeLessThan(1.25 * 4000);
    }
  });

  it('gives ESS close to n (1 - rho) / (1 + rho) for AR(1) chains', () => {
    for (const rho of [0.5, 0.9]) {
      const chains = ar1Chains(4, 5000, rho, 2);
      const expected = (20000 * (1 - rho)) / (1 + rho);
      for (const ess of [essBulk(chains), essBasic(chains)]) {
        expect(ess / expected).toBeGreaterThan(0.8);
        expect(ess / expected).toBeLessThan(1.25);
      }
      expect(rhat(chains)).toBeLessThan(1.02);
    }
  });

  it('allows ESS above the number of draws for antithetic chains (rho < 0)', () => {
    const chains = ar1Chains(4, 2000, -0.5, 3);
    expect(essBasic(chains)).toBeGreaterThan(8000 * 1.5);
  });

  it('gives a large R-hat for chains stuck in different places, and tail R-hat catches a different scale', () => {
    const apart = iidChains(4, 1000, 4, (c) => (c < 2 ? 0 : 3));
    expect(rhat(apart)).toBeGreaterThan(1.5);
    expect(splitRhat(apart)).toBeGreaterThan(1.5);
    const oneWide = iidChains(4, 1000, 5, () => 0, (c) => (c === 3 ? 4 : 1));
    expect(splitRhat(oneWide)).toBeLessThan(1.02);
    expect(rhat(oneWide)).toBeGreaterThan(1.05);
    // A trend within every chain: splitting the chains exposes it.
    const drifting = Array.from({ length: 4 }, (_, c) => Float64Array.from({ length: 1000 }, (_, t) => t / 250 + 0.3 * new Xoshiro128(6, c * 1000 + t).normal()));
    expect(rhat(drifting)).toBeGreaterThan(1.3);
  });

  it('splits chains into halves (dropping the middle draw of an odd length) and rank-normalises with average ranks', () => {
    const s = splitChains([[1, 2, 3, 4, 5]]);
    expect(s.map((x) => Array.from(x))).toEqual([[1, 2], [4, 5]]);
    const z = rankNormalize([Float64Array.of(3, 1), Float64Array.of(1, 2)]);
    // Ranks among S = 4 draws: 3 -> 4; the two 1s share rank 1.5; 2 -> 3.
    const q = (r: number): number => normalQuantile((r - 0.375) / 4.25);
    expect(Array.from(z[0])).toEqual([q(4), q(1.5)]);
    expect(Array.from(z[1])).toEqual([q(1.5), q(3)]);
  });

  it('returns NaN when undefined and rejects chains of different lengths', () => {
    expect(rhat([[1, 1, 1, 1], [1, 1, 1, 1]])).toBeNaN();
    expect(essBulk([[1, 2, 3]])).toBeNaN();
    expect(essBasic([[1, 2, NaN, 4, 5]])).toBeNaN();
    expect(() => rhat([[1, 2, 3, 4], [1, 2, 3]])).toThrow(/same length/);
  });

  it('summarises multivariate chains per parameter', () => {
    const a = iidChains(3, 800, 7, () => 2, () => 0.5);
    const b = iidChains(3, 800, 8, () => -1, () => 3);
    const draws = a.map((x, c) => {
      const out = new Float64Array(1600);
      for (let i = 0; i < 800; i++) {
        out[2 * i] = x[i];
        out[2 * i + 1] = b[c][i];
      }
      return out;
    });
    const [s0, s1] = summarizeDraws(draws, 2);
    expect(s0.mean).toBeCloseTo(2, 1);
    expect(s0.sd).toBeCloseTo(0.5, 1);
    expect(s1.mean).toBeCloseTo(-1, 0);
    expect(s1.sd / 3).toBeCloseTo(1, 1);
    expect(s0.q05).toBeLessThan(s0.q50);
    expect(s0.q50).toBeLessThan(s0.q95);
    expect(s1.rhat).toBeLessThan(1.01);
    expect(s1.essBulk).toBeGreaterThan(1800);
  });
});
