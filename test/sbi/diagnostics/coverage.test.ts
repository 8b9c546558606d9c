import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { coverageSpec } from '../../../src/plot/coverage.js';
import { expectedCoverage } from '../../../src/sbi/diagnostics/coverage.js';
import { sbc } from '../../../src/sbi/diagnostics/sbc.js';
import { toRandom, type SeedLike } from '../../../src/random.js';
import type { AmortizedPosterior } from '../../../src/sbi/npe/types.js';
import { GaussianPosterior, priorPredictive } from './conjugate.js';

const N = 1000;
const SIGMA = 0.5;
const { thetas, xs } = priorPredictive(N, 2, SIGMA, 12);
const options = { numPosteriorSamples: 200, seed: 5 };

describe('expectedCoverage', () => {
  it('is within binomial error of nominal for the exact posterior (HPD and marginal)', () => {
    const before = tf.memory().numTensors;
    const r = expectedCoverage(new GaussianPosterior(2, SIGMA), thetas, xs, options);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.hpd.map((c) => c.level)).toEqual([0.5, 0.8, 0.95]);
    for (const c of r.hpd) {
      expect(Math.abs(c.coverage - c.level)).toBeLessThan(3 * c.nominalStdError);
      expect(c.stdError).toBeCloseTo(Math.sqrt((c.coverage * (1 - c.coverage)) / N), 12);
    }
    for (const m of r.marginal) for (const c of m.at) expect(Math.abs(c.z)).toBeLessThan(3);
    expect(r.hpdLevels).toHaveLength(N);
    expect(r.curve.levels).toHaveLength(101);
    expect(r.curve.coverage[100]).toBe(1);
    // Monotone curve, and the shape the figure takes.
    expect(r.curve.coverage.every((c, i) => i === 0 || c >= r.curve.coverage[i - 1])).toBe(true);
    expect(() => coverageSpec([r.curve, ...r.marginal.map((m) => m.curve)], { numSimulations: N })).not.toThrow();
  });

  it('is unbiased for the exact posterior with the default L = 99 draws (regression: count / L covered 0.94 at 0.95)', () => {
    const big = priorPredictive(10_000, 2, SIGMA, 21);
    const r = expectedCoverage(new GaussianPosterior(2, SIGMA), big.thetas, big.xs, { seed: 8 });
    expect(r.numPosteriorSamples).toBe(99);
    // N = 10 000: the old bias of -0.01 at level 0.95 was 4.6 calibrated standard errors.
    for (const c of r.hpd) expect(Math.abs(c.z)).toBeLessThan(3);
    for (const m of r.marginal) for (const c of m.at) expect(Math.abs(c.z)).toBeLessThan(3);
  });

  it('is below nominal for an over-confident posterior and above for an under-confident one', () => {
    const narrow = expectedCoverage(new GaussianPosterior(2, SIGMA, { scale: 0.6 }), thetas, xs, options);
    for (const c of narrow.hpd) expect(c.z).toBeLessThan(-5);
    for (const m of narrow.marginal) for (const c of m.at) expect(c.z).toBeLessThan(-5);
    const wide = expectedCoverage(new GaussianPosterior(2, SIGMA, { scale: 1.5 }), thetas, xs, options);
    for (const c of wide.hpd) expect(c.z).toBeGreaterThan(5);
  });

  it('gives a noisy density seeds of its own, independent for the draws and the true parameters', () => {
    // An exact posterior whose log density is an estimate, noisy by its seed (as an
    // importance-sampled posterior's particle filter is): the HPD rank stays uniform only when the
    // true parameter's noise is independent of every draw's.
    const exact = new GaussianPosterior(2, SIGMA);
    const seeds: (SeedLike | undefined)[] = [];
    const sampleSeeds: (SeedLike | undefined)[] = [];
    const noisy: AmortizedPosterior = {
      sample: (xo, n, seed) => {
        sampleSeeds.push(seed);
        return exact.sample(xo, n, seed);
      },
      logProb: (theta, xo, seed) => {
        seeds.push(seed);
        const random = toRandom(seed ?? 0);
        const noise = Float32Array.from({ length: theta.shape[0] }, () => 0.5 * random.normal());
        return tf.tidy(() => tf.add(exact.logProb(theta, xo), tf.tensor1d(noise)) as tf.Tensor1D);
      },
    };
    const r = expectedCoverage(noisy, thetas, xs, { ...options, batchSize: 250 });
    expect(seeds).toHaveLength(8); // two calls per chunk of 250
    expect(seeds.every((s) => s !== undefined)).toBe(true);
    expect(new Set(seeds).size).toBe(8);
    for (const c of r.hpd) expect(Math.abs(c.z)).toBeLessThan(3);
    // Derived from each chunk's sample seed, for the draws and the true parameters ...
    expect(seeds).toEqual(sampleSeeds.flatMap((s) => [`${String(s)}:draws`, `${String(s)}:true`]));
    // ... and taking nothing from the diagnostics' stream: the sample seeds are those of a run
    // that evaluates no density (SBC, same seed), so a deterministic posterior's figures are those
    // it had before the density got seeds.
    const coverageSampleSeeds = [...sampleSeeds];
    sampleSeeds.length = 0;
    sbc(noisy, thetas, xs, { ...options, batchSize: 250 });
    expect(sampleSeeds).toEqual(coverageSampleSeeds);
  });

  it('checks its inputs', () => {
    const post = new GaussianPosterior(2, SIGMA);
    expect(() => expectedCoverage(post, thetas, xs, { reportLevels: [1.5] })).toThrow(/expectedCoverage: reportLevels/);
    expect(() => expectedCoverage(post, thetas, xs, { numPosteriorSamples: 0 })).toThrow(/expectedCoverage: numPosteriorSamples/);
    const bad = { sample: (x: tf.Tensor2D, n: number) => tf.zeros([x.shape[0], n, 3]) as tf.Tensor3D, logProb: post.logProb.bind(post) };
    expect(() => expectedCoverage(bad, thetas.slice(0, 4), xs.slice(0, 4), { numPosteriorSamples: 5 })).toThrow(/must return \[4, 5, 2\]; received \[4, 5, 3\]/);
  });
});
