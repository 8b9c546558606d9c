import { describe, expect, it } from 'vitest';
import { poisson, poissonLogPmf, POISSON_MAX_MEAN } from '../../../src/sbi/simulation/poisson.js';
import { Xoshiro128 } from '../../../src/sbi/simulation/simulationStreams.js';

function draws(lambda: number, n: number, seed: number): Float64Array {
  const rng = new Xoshiro128(seed, 0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = poisson(rng, lambda);
  return out;
}

/** log P(K = k) summed directly, independent of the sampler's table and Stirling form. */
function directLogPmf(k: number, lambda: number): number {
  let logFact = 0;
  for (let j = 2; j <= k; j++) logFact += Math.log(j);
  return -lambda + k * Math.log(lambda) - logFact;
}

/** Upper 0.1% point of chi-square(df), Wilson-Hilferty approximation. */
function chiSquareCritical(df: number): number {
  const z = 3.0902;
  const c = 2 / (9 * df);
  return df * (1 - c + z * Math.sqrt(c)) ** 3;
}

describe('poisson sampler', () => {
  it.each([0.1, 5, 9.9, 10, 50, 1e4])('mean and variance match lambda = %d within Monte Carlo error', (lambda) => {
    const n = 100_000;
    const x = draws(lambda, n, 11);
    let s = 0;
    let invalid = 0;
    for (const v of x) {
      if (!(Number.isInteger(v) && v >= 0)) invalid++;
      s += v;
    }
    expect(invalid).toBe(0);
    const mean = s / n;
    let ss = 0;
    for (const v of x) ss += (v - mean) ** 2;
    const variance = ss / (n - 1);
    // Standard errors: sqrt(lambda / n) for the mean, sqrt((lambda + 2 lambda^2) / n) for the variance.
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
    expect(Math.abs(variance - lambda)).toBeLessThan(5 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
  });

  it.each([0.7, 3, 9.9, 10, 37, 400])('chi-square goodness of fit at lambda = %d', (lambda) => {
    const n = 400_000;
    const x = draws(lambda, n, 5);
    const counts = new Map<number, number>();
    for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
    // Bins: single values with expected count >= 5, tails pooled on both sides.
    const pmf = (k: number): number => Math.exp(directLogPmf(k, lambda));
    let lo = 0;
    let cdfLo = 0;
    while (n * pmf(lo) < 5 && lo < lambda) cdfLo += pmf(lo++);
    let hi = Math.floor(lambda);
    while (n * pmf(hi + 1) >= 5) hi++;
    let stat = 0;
    let df = -1;
    let observedLo = 0;
    let observedHi = 0;
    for (const [k, c] of counts) {
      if (k < lo) observedLo += c;
      if (k > hi) observedHi += c;
    }
    let cdfMid = 0;
    for (let k = lo; k <= hi; k++) {
      const e = n * pmf(k);
      cdfMid += pmf(k);
      stat += ((counts.get(k) ?? 0) - e) ** 2 / e;
      df++;
    }
    for (const [o, p] of [[observedLo, cdfLo], [observedHi, 1 - cdfLo - cdfMid]]) {
      if (n * p >= 5) {
        stat += (o - n * p) ** 2 / (n * p);
        df++;
      }
    }
    expect(df).toBeGreaterThan(1);
    expect(stat).toBeLessThan(chiSquareCritical(df));
  });

  it('stays accurate for a huge mean (cancellation-free log pmf)', () => {
    const lambda = 1e12;
    const x = draws(lambda, 20_000, 3);
    let s = 0;
    for (const v of x) s += v;
    const mean = s / x.length;
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / x.length));
    let ss = 0;
    for (const v of x) ss += (v - mean) ** 2;
    expect(ss / (x.length - 1) / lambda).toBeGreaterThan(0.9);
    expect(ss / (x.length - 1) / lambda).toBeLessThan(1.1);
  });

  it('log pmf: table and Stirling form agree with the direct sum', () => {
    for (const [k, lambda] of [[0, 3], [10, 12.5], [255, 250], [256, 250], [300, 280], [5000, 5100]]) {
      expect(poissonLogPmf(k, lambda)).toBeCloseTo(directLogPmf(k, lambda), 8);
    }
  });

  it('returns NaN for invalid means and 0 for a zero mean', () => {
    const rng = new Xoshiro128(1, 0);
    expect(poisson(rng, -1)).toBeNaN();
    expect(poisson(rng, NaN)).toBeNaN();
    expect(poisson(rng, Infinity)).toBeNaN();
    expect(poisson(rng, 2 * POISSON_MAX_MEAN)).toBeNaN();
    expect(poisson(rng, 0)).toBe(0);
  });
});
