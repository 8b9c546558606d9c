// The cosine learning-rate schedule: its end points, monotone decay, and bad arguments.
import { describe, expect, test } from 'vitest';
import { cosineSchedule } from '../../src/train/schedules.js';

describe('cosineSchedule', () => {
  test('starts at the initial rate, ends at floor times it, decreases in between', () => {
    const s = cosineSchedule(45, 0.05);
    expect(s(0, 2e-3)).toBeCloseTo(2e-3, 12);
    expect(s(44, 2e-3)).toBeCloseTo(1e-4, 12);
    expect(s(22, 2e-3)).toBeCloseTo(2e-3 * (0.05 + 0.95 * 0.5), 12);
    for (let e = 1; e < 45; e++) expect(s(e, 1)).toBeLessThan(s(e - 1, 1));
    expect(s(60, 1)).toBeCloseTo(0.05, 12); // past the end: stays at the floor
    expect(cosineSchedule(1)(0, 1)).toBe(1);
  });
  test('perStep: the same curve over fractional progress, reaching the floor at the end of the last epoch', () => {
    const s = cosineSchedule(4, 0.05, { perStep: true });
    expect(s.perStep).toBe(true);
    expect(cosineSchedule(4).perStep).toBe(false);
    expect(s(0, 1)).toBeCloseTo(1, 12);
    expect(s(2, 1)).toBeCloseTo(0.05 + 0.95 * 0.5, 12);
    expect(s(4, 1)).toBeCloseTo(0.05, 12);
    for (let p = 0.1; p < 4; p += 0.1) expect(s(p, 1)).toBeLessThan(s(p - 0.1, 1));
    expect(cosineSchedule(1, 0.1, { perStep: true })(0.5, 1)).toBeCloseTo(0.1 + 0.9 * 0.5, 12);
  });
  test('bad arguments name the function', () => {
    expect(() => cosineSchedule(0)).toThrow(/cosineSchedule: epochs must be a positive integer; received 0/);
    expect(() => cosineSchedule(10, 0)).toThrow(/floor must lie in \(0, 1\]; received 0/);
  });
});
