import { describe, expect, it } from 'vitest';
import { Ricker, ricker, rickerPrior, RICKER_PRIOR_HIGH, RICKER_PRIOR_LOW } from '../../../simulators/ricker/ricker.js';
import { poisson } from '../../../src/sbi/simulation/poisson.js';
import { Xoshiro128 } from '../../../src/sbi/simulation/simulationStreams.js';

const thetas = new Float64Array([3.5, 0.3, 10, 4.5, 0.5, 18, 3.0, 0.0, 4, 4.9, 0.6, 20]);

describe('Ricker simulator', () => {
  it('matches the C reference bench/ricker.c on fixed seeds (golden values)', () => {
    const x = ricker().simulate(thetas, 4, 42);
    expect(Array.from(x.subarray(0, 12))).toEqual([111, 0, 1, 29, 71, 1, 80, 4, 52, 25, 54, 4]);
    expect(Array.from(x.subarray(50, 62))).toEqual([288, 0, 0, 9, 769, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('equals the model written out: N_t = r N exp(-N + sigma z_t), y_t ~ Poisson(phi N_t) on stream (seed, index)', () => {
    const n = 20;
    const T = 30;
    const th = rickerPrior().sample(n, 4);
    const x = ricker({ T }).simulate(th, n, 8, 100);
    for (let i = 0; i < n; i++) {
      const g = new Xoshiro128(8, 100 + i);
      let N = 1;
      for (let t = 0; t < T; t++) {
        N = Math.exp(th[3 * i]) * N * Math.exp(th[3 * i + 1] * g.normal() - N);
        expect(x[i * T + t]).toBe(poisson(g, th[3 * i + 2] * N));
      }
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const sim = ricker();
    expect(sim.simulate(thetas, 4, 7)).toEqual(sim.simulate(thetas, 4, 7));
    expect(sim.simulate(thetas, 4, 7)).not.toEqual(sim.simulate(thetas, 4, 8));
    const x = sim.simulate(thetas, 4, 7);
    expect(x.length).toBe(4 * 50);
    expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });

  it('gives the same rows however the batch is split (offset = global index)', () => {
    const sim = ricker({ T: 20 });
    const th = rickerPrior().sample(10, 3);
    const full = sim.simulate(th, 10, 99);
    const parts = [sim.simulate(th.subarray(0, 12), 4, 99, 0), sim.simulate(th.subarray(12, 21), 3, 99, 4), sim.simulate(th.subarray(21), 3, 99, 7)];
    const joined = new Float64Array(full.length);
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    expect(joined).toEqual(full);
    expect(sim.simulate(th.subarray(15, 18), 1, 99, 5)).toEqual(full.subarray(100, 120));
  });

  it('follows the deterministic skeleton N_t = r N_{t-1} exp(-N_{t-1}) when sigma = 0 and phi is huge', () => {
    const phi = 1e10;
    for (const logR of [1.5, 3, 3.8]) {
      const x = new Ricker({ T: 30 }).simulate(new Float64Array([logR, 0, phi]), 1, 5);
      let N = 1;
      for (let t = 0; t < 30; t++) {
        N = Math.exp(logR) * N * Math.exp(-N);
        // Poisson noise: relative sd 1/sqrt(phi N), at most 1e-4 here.
        expect(Math.abs(x[t] / phi - N)).toBeLessThan(1e-3 * N);
      }
    }
  });

  it('respects N0 and burn-in', () => {
    const x = new Ricker({ T: 5, N0: 0 }).simulate(new Float64Array([4, 0.3, 10]), 1, 1);
    expect(Array.from(x)).toEqual([0, 0, 0, 0, 0]);
    const phi = 1e10;
    const y = new Ricker({ T: 3, burnIn: 4 }).simulate(new Float64Array([1.5, 0, phi]), 1, 1);
    let N = 1;
    const r = Math.exp(1.5);
    for (let t = 0; t < 5; t++) N = r * N * Math.exp(-N);
    expect(Math.abs(y[0] / phi - N)).toBeLessThan(1e-3 * N);
  });

  it('returns NaN rows for invalid parameters and overflow, leaving other rows intact', () => {
    const th = new Float64Array([4, -0.1, 10, NaN, 0.3, 10, 4, 0.3, -1, 50, 0, 1e10, 4, 0.3, 10]);
    const x = ricker({ T: 10 }).simulate(th, 5, 1);
    for (let i = 0; i < 4; i++) expect(Array.from(x.subarray(i * 10, i * 10 + 10)).every(Number.isNaN)).toBe(true);
    expect(Array.from(x.subarray(40)).every(Number.isFinite)).toBe(true);
    expect(ricker({ T: 10 }).simulate(th.subarray(12), 1, 1, 4)).toEqual(x.subarray(40));
  });

  it('checks its arguments', () => {
    expect(() => ricker().simulate(new Float64Array(5), 2, 1)).toThrow(/Ricker.simulate: expected a Float64Array of n x 3 = 2 x 3 values.*received length 5/);
    expect(() => ricker().simulate(new Float64Array(3), 1, -1)).toThrow(/seed must be a non-negative safe integer; received -1/);
    expect(() => new Ricker({ T: 0 })).toThrow(/Ricker: T must be a positive integer; received 0/);
  });

  it('has Wood\'s prior and a worker reference', () => {
    const prior = rickerPrior();
    expect(prior.bounds.low).toEqual([...RICKER_PRIOR_LOW]);
    expect(prior.bounds.high).toEqual([...RICKER_PRIOR_HIGH]);
    expect(ricker({ T: 7 }).workerRef).toMatchObject({ export: 'ricker', options: { T: 7, N0: 1, burnIn: 0 } });
  });
});
