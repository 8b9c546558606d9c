// momentMismatch: the mean shift in reference sds and the sd ratio, per parameter, against
// closed-form values; bad inputs name the function.
import { describe, expect, test } from 'vitest';
import { momentMismatch } from '../../../src/sbi/diagnostics/momentMismatch.js';

describe('momentMismatch', () => {
  test('a shifted, widened copy gives its shift and scale per column', () => {
    const reference: number[][] = [];
    const draws: number[][] = [];
    for (let i = 0; i < 1000; i++) {
      const u = (i % 10) - 4.5;
      const v = Math.sin(i);
      reference.push([u, v]);
      draws.push([2 * u + 3, v]); // column 0: twice the sd, mean shifted by 3 / sd(u) reference sds
    }
    const sdU = Math.sqrt(reference.reduce((s, r) => s + r[0] ** 2, 0) / 999);
    const m = momentMismatch(draws, reference);
    expect(m.sdRatio[0]).toBeCloseTo(2, 10);
    expect(m.meanShift[0]).toBeCloseTo(3 / sdU, 10);
    expect(m.sdRatio[1]).toBeCloseTo(1, 12);
    expect(m.meanShift[1]).toBeCloseTo(0, 12);
  });
  test('bad inputs name the function', () => {
    expect(() => momentMismatch([[1, 2], [3, 4]], [[1], [2]])).toThrow(/momentMismatch: draws have 2 columns but reference has 1/);
    expect(() => momentMismatch([[1]], [[1], [2]])).toThrow(/momentMismatch: need at least 2 rows/);
    expect(() => momentMismatch([[1], [2]], [[1], [1]])).toThrow(/momentMismatch: reference column 0 has zero spread/);
  });
});
