// The WebAssembly SIMD Adam update (and its sum of squares) against the formulas in double precision, over three steps,
// for lengths that are and are not multiples of the 4 SIMD lanes, in two slots side by side.
import { describe, expect, test } from 'vitest';
import { SimdAdam } from '../../src/train/adamSimd.js';

describe('SimdAdam', () => {
  test('matches the Adam formulas to float32 rounding', () => {
    const simd = SimdAdam.create();
    expect(simd, 'Node 20 has WebAssembly SIMD').not.toBeNull();
    const lengths = [7, 64];
    const slots = lengths.map((n) => simd!.addSlot(n));
    const state = lengths.map((n) => ({ m: new Float64Array(n), v: new Float64Array(n), theta: Float32Array.from({ length: n }, (_, i) => Math.sin(i + n)) }));
    for (let step = 1; step <= 3; step++) {
      const c = { b1: 0.9, a1: 0.1 * 0.8, b2: 0.999, a2: 0.001 * 0.64, stepSize: 1e-2 / (1 - 0.9 ** step), rc2: 1 / Math.sqrt(1 - 0.999 ** step), eps: 1e-8 };
      lengths.forEach((n, k) => {
        const g = Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i + step) * (i % 5 === 0 ? 0 : 1));
        const s = state[k];
        const sumSq = simd!.load(slots[k], g);
        const expectedSumSq = g.reduce((acc, x) => acc + x * x, 0);
        expect(Math.abs(sumSq - expectedSumSq)).toBeLessThanOrEqual(1e-9 * Math.max(1, expectedSumSq));
        const out = simd!.update(slots[k], s.theta, c).slice();
        expect(out.length).toBe(n);
        for (let i = 0; i < n; i++) {
          s.m[i] = c.b1 * s.m[i] + c.a1 * g[i];
          s.v[i] = c.b2 * s.v[i] + c.a2 * g[i] * g[i];
          const expected = s.theta[i] - (c.stepSize * s.m[i]) / (Math.sqrt(s.v[i]) * c.rc2 + c.eps);
          expect(Math.abs(out[i] - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
        }
        s.theta = out;
      });
    }
  });
});
