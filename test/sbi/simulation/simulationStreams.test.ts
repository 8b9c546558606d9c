import { describe, expect, it } from 'vitest';
import { Xoshiro128, deriveSeed } from '../../../src/sbi/simulation/simulationStreams.js';

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

describe('Xoshiro128 streams', () => {
  it('reproduces the C reference (bench/ricker.c) for stream (42, 7)', () => {
    const g = new Xoshiro128(42, 7);
    expect([g.nextU32(), g.nextU32(), g.nextU32(), g.nextU32(), g.nextU32()]).toEqual([3993386288, 2611087715, 3141183103, 3215147051, 2071970012]);
  });

  it('derives distinct streams and seeds from (seed, index)', () => {
    const first = new Set<number>();
    for (let i = 0; i < 1000; i++) first.add(new Xoshiro128(1, i).nextU32());
    for (let s = 0; s < 1000; s++) first.add(new Xoshiro128(s + 2, 0).nextU32());
    expect(first.size).toBe(2000);
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(5, i)));
    expect(seeds.size).toBe(1000);
    expect([...seeds].every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31)).toBe(true);
    expect(new Xoshiro128(2 ** 40, 2 ** 45).nextU32()).not.toBe(new Xoshiro128(0, 2 ** 45).nextU32());
    expect(() => new Xoshiro128(-1, 0)).toThrow(/Xoshiro128.reset: seed and index must be non-negative safe integers; received seed -1/);
    expect(() => deriveSeed(1.5, 0)).toThrow(/deriveSeed: seed must be a non-negative safe integer; received 1.5/);
  });

  it('draws uniforms in (0, 1) with mean 1/2', () => {
    const g = new Xoshiro128(3, 0);
    let s = 0;
    let bad = 0;
    for (let i = 0; i < 200_000; i++) {
      const u = g.uniform();
      if (!(u > 0 && u < 1)) bad++;
      s += u;
    }
    expect(bad).toBe(0);
    expect(Math.abs(s / 200_000 - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / 200_000));
  });

  it('draws standard normals (ziggurat): moments, tail mass and chi-square over 40 bins', () => {
    const g = new Xoshiro128(9, 1);
    const n = 1_000_000;
    const edges = Array.from({ length: 39 }, (_, k) => -4 + (8 * (k + 1)) / 40);
    const counts = new Float64Array(40);
    let m1 = 0, m2 = 0, m4 = 0, tail = 0;
    for (let i = 0; i < n; i++) {
      const z = g.normal();
      m1 += z;
      m2 += z * z;
      m4 += z ** 4;
      if (Math.abs(z) > 3.442619855899) tail++;
      let b = Math.floor(((z + 4) * 40) / 8);
      b = Math.min(39, Math.max(0, b));
      counts[b]++;
    }
    expect(Math.abs(m1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // P(|Z| > r) = 5.7e-4 for the ziggurat's tail edge r: the slow tail path is exercised.
    const pTail = 2 * (1 - normalCdf(3.442619855899));
    expect(Math.abs(tail - n * pTail)).toBeLessThan(5 * Math.sqrt(n * pTail));
    let chi2 = 0;
    for (let b = 0; b < 40; b++) {
      const lo = b === 0 ? 0 : normalCdf(edges[b - 1]);
      const hi = b === 39 ? 1 : normalCdf(edges[b]);
      const e = n * (hi - lo);
      chi2 += (counts[b] - e) ** 2 / e;
    }
    // Upper 0.1% point of chi-square with 39 degrees of freedom.
    expect(chi2).toBeLessThan(72.05);
  });
});
