import { describe, expect, it } from 'vitest';
import { RICKER_SUMMARY_COUNT, RICKER_SUMMARY_NAMES, rickerSummaries, rickerSummary } from '../../../simulators/ricker/summaries.js';
import { ricker, rickerPrior } from '../../../simulators/ricker/ricker.js';

const named = (s: Float64Array): Record<string, number> => Object.fromEntries(RICKER_SUMMARY_NAMES.map((k, i) => [k, s[i]]));

describe('Ricker summaries', () => {
  it('exports names and count', () => {
    expect(RICKER_SUMMARY_COUNT).toBe(RICKER_SUMMARY_NAMES.length);
    expect(new Set(RICKER_SUMMARY_NAMES).size).toBe(RICKER_SUMMARY_COUNT);
  });

  it('matches hand-computed values on y = (0, 2, 4, 1)', () => {
    const s = named(rickerSummary([0, 2, 4, 1]));
    // ybar = 7/4; deviations (-1.75, 0.25, 2.25, -0.75).
    expect(s.mean).toBe(1.75);
    expect(s.zeros).toBe(1);
    expect(s.acov0).toBeCloseTo(8.75 / 4, 12);
    expect(s.acov1).toBeCloseTo(-1.5625 / 4, 12);
    expect(s.acov2).toBeCloseTo(-4.125 / 4, 12);
    expect(s.acov3).toBeCloseTo(1.3125 / 4, 12);
    expect(s.acov4).toBe(0);
    expect(s.acov5).toBe(0);
    // d = (2, 2, -3): mean 1/3, variance 50/9, skewness -1/sqrt(2); sorted (-3, 2, 2), h = 2p.
    expect(s.diffMean).toBeCloseTo(1 / 3, 12);
    expect(s.diffVar).toBeCloseTo(50 / 9, 12);
    expect(s.diffSkew).toBeCloseTo(-1 / Math.sqrt(2), 12);
    expect([s.diffQ10, s.diffQ25, s.diffQ50, s.diffQ75, s.diffQ90]).toEqual([-2, -0.5, 2, 2, 2]);
    // z = y^0.3; rows (x1, x2) -> target: (0, 0) -> 2^0.3, (2^0.3, 2^0.6) -> 2^0.6, (2^0.6, 2^1.2) -> 1.
    const rows = [[0, 0, 2 ** 0.3], [2 ** 0.3, 2 ** 0.6, 2 ** 0.6], [2 ** 0.6, 2 ** 1.2, 1]];
    let a = 0, b = 0, c = 0, r1 = 0, r2 = 0;
    for (const [x1, x2, z] of rows) {
      a += x1 * x1;
      b += x1 * x2;
      c += x2 * x2;
      r1 += x1 * z;
      r2 += x2 * z;
    }
    const det = a * c - b * b;
    expect(s.ar1).toBeCloseTo((c * r1 - b * r2) / det, 10);
    expect(s.ar2).toBeCloseTo((a * r2 - b * r1) / det, 10);
  });

  it('is finite on edge series: all zeros, one spike, constant, length 1 and 2', () => {
    const zeros = new Float64Array(50);
    const spike = new Float64Array(50);
    spike[25] = 100;
    const constant = new Float64Array(50).fill(7);
    for (const y of [zeros, spike, constant, [3], [0], [0, 5], [4, 4]]) {
      const s = rickerSummary(y);
      expect(s.every(Number.isFinite)).toBe(true);
    }
    const z = named(rickerSummary(zeros));
    expect(z.zeros).toBe(50);
    for (const k of RICKER_SUMMARY_NAMES) if (k !== 'zeros') expect(z[k]).toBe(0);
    const c = named(rickerSummary(constant));
    expect([c.mean, c.zeros, c.acov0, c.acov1, c.diffVar, c.diffSkew, c.diffQ50]).toEqual([7, 0, 0, 0, 0, 0, 0]);
    // Collinear regressors: the minimum-norm fit still predicts z = 7^0.3 exactly.
    const z7 = 7 ** 0.3;
    expect(c.ar1 * z7 + c.ar2 * z7 * z7).toBeCloseTo(z7, 6);
    const p = named(rickerSummary(spike));
    expect(p.mean).toBe(2);
    expect(p.zeros).toBe(49);
    expect(p.diffMean).toBe(0);
    expect(p.diffSkew).toBe(0);
  });

  it('gives NaN for a failed simulation (non-finite row)', () => {
    const y = new Float64Array(10).fill(NaN);
    expect(rickerSummary(y).every(Number.isNaN)).toBe(true);
  });

  it('batches rows exactly like single series', () => {
    const n = 20;
    const T = 50;
    const xs = ricker({ T }).simulate(rickerPrior().sample(n, 2), n, 3);
    const s = rickerSummaries(xs, n, T);
    expect(s.length).toBe(n * RICKER_SUMMARY_COUNT);
    expect(s.every(Number.isFinite)).toBe(true);
    for (const i of [0, 7, 19]) expect(s.subarray(i * RICKER_SUMMARY_COUNT, (i + 1) * RICKER_SUMMARY_COUNT)).toEqual(rickerSummary(xs.subarray(i * T, (i + 1) * T)));
    expect(() => rickerSummaries(xs, n, 49)).toThrow(/rickerSummaries: expected a Float64Array of n x 49/);
  });
});
