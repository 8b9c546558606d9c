import { describe, expect, test } from 'vitest';
import { checkerboard } from '../../src/data/toy2d.js';

describe('checkerboard', () => {
  test('every point lies on a black square of [-2, 2]², all eight squares equally often, seeded', () => {
    const points = checkerboard(8000, 3);
    const counts = new Map<string, number>();
    for (const [x, y] of points) {
      expect(Math.abs(x)).toBeLessThanOrEqual(2);
      expect(Math.abs(y)).toBeLessThanOrEqual(2);
      const col = Math.floor(x + 2);
      const row = Math.floor(y + 2);
      expect((col + row) % 2).toBe(0);
      counts.set(`${col},${row}`, (counts.get(`${col},${row}`) ?? 0) + 1);
    }
    expect(counts.size).toBe(8);
    // 1000 expected per square; binomial sd about 30.
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(checkerboard(5, 3)).toEqual(points.slice(0, 5));
  });
});
