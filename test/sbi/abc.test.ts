import { describe, expect, test } from 'vitest';
import { rejectionABC } from '../../src/sbi/abc.js';
import { Random } from '../../src/random.js';

describe('rejection ABC', () => {
  test('keeps the k nearest simulations in scaled summary distance, nearest first', () => {
    // Robust scales (1.4826 MAD): 74.13 for summary 0 and 0.1483 for summary 1, so the scaled
    // distances to (0, 0) are 0, 3.64, 4.06, 7.54, 0.95 for rows 0..4. Unscaled, row 3 (200 away)
    // would come before row 2 (300 away).
    const summaries = [0, 0, 100, 0.5, 300, 0.05, -200, 1, 50, 0.1];
    const thetas = [10, 20, 30, 40, 50];
    const r = rejectionABC({ thetas, thetaDim: 1, summaries, summaryDim: 2, observed: [0, 0], k: 4 });
    expect(Array.from(r.indices)).toEqual([0, 4, 1, 2]);
    expect(Array.from(r.samples)).toEqual([10, 50, 20, 30]);
    expect(r.distances[1]).toBeCloseTo(Math.hypot(50 / 74.13, 0.1 / 0.14826), 2);
    expect(r.epsilon).toBe(r.distances[3]);
    expect(r.distances[0]).toBe(0);
  });

  test('recovers a conjugate Gaussian posterior approximately', () => {
    // theta ~ N(0, 1), x = theta + N(0, 0.5^2): posterior of theta given x = 1 is N(0.8, 0.2).
    const r = new Random(1);
    const n = 40000;
    const thetas = new Float64Array(n);
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      thetas[i] = r.normal();
      xs[i] = thetas[i] + 0.5 * r.normal();
    }
    const res = rejectionABC({ thetas, thetaDim: 1, summaries: xs, summaryDim: 1, observed: [1], quantile: 0.01 });
    expect(res.k).toBe(400);
    const mean = res.samples.reduce((s, v) => s + v, 0) / res.k;
    const sd = Math.sqrt(res.samples.reduce((s, v) => s + (v - mean) ** 2, 0) / res.k);
    expect(mean).toBeCloseTo(0.8, 1);
    expect(Math.abs(sd - Math.sqrt(0.2))).toBeLessThan(0.05);
  });

  test('bad input gives clear errors', () => {
    expect(() => rejectionABC({ thetas: [1, 2], thetaDim: 1, summaries: [1, 2, 3], summaryDim: 1, observed: [0] })).toThrow(/thetas must have 3 rows of 1/);
    expect(() => rejectionABC({ thetas: [1], thetaDim: 1, summaries: [1], summaryDim: 1, observed: [0, 1] })).toThrow(/observed must have 1 summaries; received 2/);
    expect(() => rejectionABC({ thetas: [1], thetaDim: 1, summaries: [1], summaryDim: 1, observed: [NaN] })).toThrow(/observed summaries must be finite/);
    expect(() => rejectionABC({ thetas: [1, 2], thetaDim: 1, summaries: [1, 2], summaryDim: 1, observed: [0], k: 5 })).toThrow(/k must be an integer in \[1, 2\]; received 5/);
  });

  test('rows in any Rows form give the same result as flat arrays with their widths', () => {
    const thetas = [[0, 1], [2, 3], [4, 5], [6, 7]];
    const summaries = [[0.1], [2.2], [3.5], [6.1]];
    const flat = rejectionABC({ thetas: thetas.flat(), thetaDim: 2, summaries: summaries.flat(), summaryDim: 1, observed: [2], k: 2 });
    const rows = rejectionABC({ thetas, summaries: { values: Float64Array.from(summaries.flat()), width: 1 }, observed: [2], k: 2 });
    expect(Array.from(rows.samples)).toEqual(Array.from(flat.samples));
    expect(Array.from(rows.samples)).toEqual([2, 3, 4, 5]);
    expect(() => rejectionABC({ thetas: [[0, 1], [2]], summaries: [[0], [1]], observed: [0] })).toThrow(/rejectionABC: thetas rows must all have 2 entries \(the length of row 0\); row 1 has 1/);
    expect(() => rejectionABC({ thetas: [0, 1], summaries: [[0], [1]], observed: [0] })).toThrow(/rejectionABC: thetas is flat, so thetaDim is required/);
  });
});
