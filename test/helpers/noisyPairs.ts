import { Random } from '../../src/random.js';

/**
 * A small NPE problem for tests: theta ~ U(-2, 2)^2 and x = theta + `noise` times standard normal
 * noise, n rows from the seeded stream.
 */
export function noisyPairs(n: number, seed: number, noise: number): { thetas: number[][]; xs: number[][] } {
  const r = new Random(seed);
  const thetas: number[][] = [];
  const xs: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = [4 * r.uniform() - 2, 4 * r.uniform() - 2];
    thetas.push(t);
    xs.push(t.map((v) => v + noise * r.normal()));
  }
  return { thetas, xs };
}
