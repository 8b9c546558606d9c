import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf,
  chiSquareSurvival,
  kolmogorovSurvival,
  ksTestUniform,
  logGamma,
  normalCdf,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../../src/sbi/diagnostics/statistics.js';

describe('special functions', () => {
  it('logGamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });

  it('regularized incomplete gamma: closed forms and P + Q = 1', () => {
    for (const x of [0.1, 1, 3, 10, 40]) {
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
      expect(regularizedGammaQ(2, x)).toBeCloseTo((1 + x) * Math.exp(-x), 12);
      for (const a of [0.5, 2.5, 20]) expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 12);
    }
    expect(regularizedGammaP(3, 0)).toBe(0);
    expect(() => regularizedGammaP(0, 1)).toThrow(/regularizedGammaP: a must be > 0/);
  });

  it('chi-square quantiles from tables give their tail probabilities', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(18.307038053275146, 10)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(124.34211340400407, 100)).toBeCloseTo(0.05, 9);
    expect(chiSquareCdf(6.634896601021214, 1)).toBeCloseTo(0.99, 10);
    expect(chiSquareSurvival(0, 5)).toBe(1);
    expect(chiSquareSurvival(400, 10)).toBeLessThan(1e-70);
  });

  it('normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 14);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 12);
    expect(normalCdf(0.25)).toBeCloseTo(0.5987063256829237, 12);
    expect(normalCdf(-10)).toBeCloseTo(7.619853024160527e-24, 30);
  });

  it('Kolmogorov distribution and the KS test', () => {
    expect(kolmogorovSurvival(1.3580986393225505)).toBeCloseTo(0.05, 6);
    expect(kolmogorovSurvival(0.1)).toBe(1);
    const grid = Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200);
    const uniform = ksTestUniform(grid);
    expect(uniform.statistic).toBeCloseTo(0.0025, 12);
    expect(uniform.pValue).toBeCloseTo(1, 6);
    const squeezed = ksTestUniform(grid.map((u) => u * u));
    expect(squeezed.statistic).toBeGreaterThan(0.2);
    expect(squeezed.pValue).toBeLessThan(1e-6);
    expect(() => ksTestUniform([0.5, 1.5])).toThrow(/ksTestUniform: values must lie in \[0, 1\]/);
  });
});
