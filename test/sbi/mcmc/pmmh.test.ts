import { describe, expect, it } from 'vitest';
import { pmmh, pmmhDraws } from '../../../src/sbi/mcmc/pmmh.js';
import { LinearGaussianStateSpace } from '../../../src/sbi/mcmc/linearGaussian.js';
import { UniformPrior } from '../../../src/sbi/simulation/prior.js';
import type { StateSpaceModel } from '../../../src/sbi/mcmc/stateSpace.js';
import { AdaptiveRandomWalk, cholesky } from '../../../src/sbi/mcmc/adaptiveProposal.js';
import { Xoshiro128 } from '../../../src/sbi/simulation/simulationStreams.js';
import { RickerStateSpace } from '../../../simulators/ricker/stateSpace.js';
import { Ricker, rickerPrior } from '../../../simulators/ricker/ricker.js';

// Linear-Gaussian model with theta = (a, sigma_x) and sigma_y fixed: the exact posterior comes from
// the Kalman likelihood on a grid.
const SIGMA_Y = 0.5;
const base = new LinearGaussianStateSpace({ m0: 0, p0: 1 });
const model: StateSpaceModel = {
  name: 'linearGaussian2',
  thetaDim: 2,
  stateDim: 1,
  obsDim: 1,
  initialize: (p, th, rng) => base.initialize(p, th, rng),
  propagate: (p, th, t, rng) => base.propagate(p, th, t, rng),
  logObservationDensity: (p, y, th, out) => base.logObservationDensity(p, y, [th[0], th[1], SIGMA_Y], out),
};
const prior = new UniformPrior([-0.95, 0.05], [0.95, 1.5]);
const y = base.simulate([0.7, 0.6, SIGMA_Y], 40, 11).y;

/** Marginal posterior means and sds of (a, sigma_x) on a 300 x 300 grid (midpoint rule). */
function gridPosterior(): { mean: number[]; sd: number[] } {
  const G = 300;
  const { low, high } = prior.bounds;
  const logp = new Float64Array(G * G);
  let max = -Infinity;
  for (let i = 0; i < G; i++) {
    for (let j = 0; j < G; j++) {
      const a = low[0] + ((i + 0.5) * (high[0] - low[0])) / G;
      const s = low[1] + ((j + 0.5) * (high[1] - low[1])) / G;
      const v = base.kalmanLogLikelihood(y, [a, s, SIGMA_Y]);
      logp[i * G + j] = v;
      if (v > max) max = v;
    }
  }
  const m1 = [0, 0];
  const m2 = [0, 0];
  let z = 0;
  for (let i = 0; i < G; i++) {
    for (let j = 0; j < G; j++) {
      const w = Math.exp(logp[i * G + j] - max);
      const a = low[0] + ((i + 0.5) * (high[0] - low[0])) / G;
      const s = low[1] + ((j + 0.5) * (high[1] - low[1])) / G;
      z += w;
      m1[0] += w * a;
      m1[1] += w * s;
      m2[0] += w * a * a;
      m2[1] += w * s * s;
    }
  }
  const mean = m1.map((v) => v / z);
  return { mean, sd: m2.map((v, k) => Math.sqrt(v / z - mean[k] ** 2)) };
}

describe('pmmh', () => {
  it('recovers the exact posterior of a linear-Gaussian model (Kalman likelihood on a grid)', () => {
    const exact = gridPosterior();
    const r = pmmh({ model, observed: y, prior, iterations: 1500, burnIn: 800, particles: 'auto', pilotParticles: 30, seed: 1 });
    expect(r.particles).toBeGreaterThan(5);
    expect(r.particleTuning!.sd).toBeLessThanOrEqual(1.2);
    for (let k = 0; k < 2; k++) {
      expect(Math.abs(r.mean[k] - exact.mean[k])).toBeLessThan(0.2 * exact.sd[k]);
      expect(r.sd[k] / exact.sd[k]).toBeGreaterThan(0.85);
      expect(r.sd[k] / exact.sd[k]).toBeLessThan(1.15);
      expect(r.rhat[k]).toBeLessThan(1.05);
      expect(r.ess[k]).toBeGreaterThan(150);
    }
    for (const a of r.acceptanceRate) {
      expect(a).toBeGreaterThan(0.05);
      expect(a).toBeLessThan(0.6);
    }
    expect(r.samples).toHaveLength(4);
    expect(r.samples[0]).toHaveLength(1500 * 2);
    expect(r.logLikelihoods[0].every(Number.isFinite)).toBe(true);
    expect(r.wallTimeMs).toBeGreaterThan(0);
  });

  it('is deterministic for a seed (and differs between seeds)', () => {
    const run = (seed: number) => pmmh({ model, observed: y, prior, iterations: 60, burnIn: 40, chains: 2, particles: 20, seed });
    const a = run(5);
    const b = run(5);
    expect(b.samples).toEqual(a.samples);
    expect(b.logLikelihoods).toEqual(a.logLikelihoods);
    expect(run(6).samples).not.toEqual(a.samples);
    const auto = (seed: number) => pmmh({ model, observed: y, prior, iterations: 30, burnIn: 40, chains: 2, pilotParticles: 20, seed });
    expect(auto(3).samples).toEqual(auto(3).samples);
  });

  it('starts from given points, reports progress, and checks its arguments', () => {
    const calls: [number, number][] = [];
    const r = pmmh({
      model,
      observed: y,
      prior,
      iterations: 20,
      burnIn: 16,
      thin: 2,
      chains: 2,
      particles: 20,
      initial: [
        [0.5, 0.5],
        [0.6, 0.7],
      ],
      proposal: { adapt: false, covariance: [1e-12, 0, 0, 1e-12] },
      seed: 2,
      onProgress: (done, total) => calls.push([done, total]),
    });
    // A proposal this small barely moves: the chains stay at their starting points.
    expect(r.samples[0][0]).toBeCloseTo(0.5, 4);
    expect(r.samples[1][1]).toBeCloseTo(0.7, 4);
    expect(calls[0]).toEqual([0, 2 * (16 + 40)]);
    expect(calls[calls.length - 1]).toEqual([112, 112]);
    expect(() => pmmh({ model, observed: y, prior: new UniformPrior([0], [1]), iterations: 10 })).toThrow(/prior.dim \(1\) must equal model.thetaDim \(2\)/);
    expect(() => pmmh({ model, observed: y, prior, iterations: 10, chains: 2, initial: [[0.5, 0.5]] })).toThrow(/one point per chain/);
    expect(() => pmmh({ model, observed: y, prior, iterations: 10, initial: [2, 0.5] })).toThrow(/zero prior density/);
    expect(() => pmmh({ model, observed: y, prior, iterations: 0 })).toThrow(/iterations must be an integer >= 1/);
  });

  it('restarts a chain stuck far below the others during burn-in, and only past the threshold', () => {
    const options = {
      model,
      observed: y,
      prior,
      iterations: 50,
      burnIn: 80,
      particles: 200,
      initial: [[0.5, 0.57], [0.5, 0.57], [0.5, 0.57], [-0.9, 0.06]],
      // A proposal too small to move: chain 3 stays where it started unless restarted.
      proposal: { adapt: false, covariance: [1e-12, 0, 0, 1e-12] },
      seed: 3,
    };
    // The log-likelihoods differ by about 14 (Kalman: -46.8 against -60.5).
    const r = pmmh({ ...options, rescueThreshold: 5 });
    expect(r.rescues).toHaveLength(1);
    expect(r.rescues[0]).toMatchObject({ chain: 3, iteration: 10 });
    expect(r.samples[3][0]).toBeCloseTo(0.5, 4);
    const kept = pmmh(options);
    expect(kept.rescues).toEqual([]);
    expect(kept.samples[3][0]).toBeCloseTo(-0.9, 4);
  });

  it('runs on the Ricker state-space model (smoke test)', () => {
    const observed = new Ricker({ T: 30 }).simulate(Float64Array.of(3.8, 0.3, 10), 1, 1);
    const r = pmmh({ model: new RickerStateSpace(), observed, prior: rickerPrior(), iterations: 40, burnIn: 40, chains: 2, particles: 50, seed: 1 });
    const { low, high } = rickerPrior().bounds;
    for (const s of r.samples) {
      for (let i = 0; i < s.length; i++) {
        expect(s[i]).toBeGreaterThanOrEqual(low[i % 3]);
        expect(s[i]).toBeLessThanOrEqual(high[i % 3]);
      }
    }
    expect(r.logLikelihoods.every((l) => l.every(Number.isFinite))).toBe(true);
  });

  it('pmmhDraws pools the chains and thins them evenly', () => {
    const samples = [Float64Array.from({ length: 20 }, (_, i) => i), Float64Array.from({ length: 20 }, (_, i) => 100 + i)];
    const all = pmmhDraws({ samples, dim: 2 });
    expect(all).toHaveLength(40);
    const four = pmmhDraws({ samples, dim: 2 }, 4);
    // Two draws per chain, at rows 4 and 9 (evenly spaced, ending at the last row), chains interleaved.
    expect(Array.from(four)).toEqual([8, 9, 108, 109, 18, 19, 118, 119]);
    expect(() => pmmhDraws({ samples, dim: 2 }, 41)).toThrow(/n must be an integer in \[1, 20\]/);
  });
});

describe('AdaptiveRandomWalk', () => {
  it('adapts to the covariance of the recorded window scaled by 2.38^2 / d, and shrinks after a stuck window', () => {
    expect(Array.from(cholesky([4, 2, 2, 5], 2)!)).toEqual([2, 0, 1, 2]);
    expect(cholesky([1, 2, 2, 1], 2)).toBeNull();
    const rw = new AdaptiveRandomWalk([1, 0, 0, 1], 2, [0, 0]);
    const g = new Xoshiro128(1, 0);
    const x = new Float64Array(2);
    for (let i = 0; i < 20000; i++) {
      const u = g.normal();
      x[0] = 2 * u;
      x[1] = u + g.normal();
      rw.record(x, true);
    }
    expect(rw.endWindow()).toBe('updated');
    const c = rw.covariance();
    const s = 2.38 ** 2 / 2;
    expect(c[0] / s).toBeCloseTo(4, 0);
    expect(c[1] / s).toBeCloseTo(2, 0);
    expect(c[3] / s).toBeCloseTo(2, 0);
    rw.record(x, false);
    expect(rw.endWindow()).toBe('shrunk');
    expect(rw.covariance()[0]).toBeCloseTo(c[0] / 2, 12);
  });
});
