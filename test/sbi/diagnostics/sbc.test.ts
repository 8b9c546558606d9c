import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maf } from '../../../src/flows/builders.js';
import { sbcRanksSpec } from '../../../src/plot/sbcRanks.js';
import { defaultSbcBins, sbc, sbcRankTests } from '../../../src/sbi/diagnostics/sbc.js';
import { posteriorFromDistribution } from '../../../src/sbi/diagnostics/types.js';
import { GaussianPosterior, priorPredictive } from './conjugate.js';

const N = 500;
const L = 99;
const SIGMA = 0.5;
const { thetas, xs } = priorPredictive(N, 2, SIGMA, 11);

describe('sbc', () => {
  it('passes for the exact posterior of a conjugate Gaussian model, without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const r = sbc(new GaussianPosterior(2, SIGMA), thetas, xs, { numPosteriorSamples: L, seed: 1, batchSize: 64 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.ranks).toHaveLength(N);
    expect(r.ranks.every((row) => row.length === 2 && row.every((k) => Number.isInteger(k) && k >= 0 && k <= L))).toBe(true);
    expect(r.bins).toBe(25); // N / 20 = 25 divides L + 1 = 100
    expect(r.threshold).toBeCloseTo(0.05 / 4, 12);
    for (const p of r.parameters) {
      expect(p.chiSquare.pValue).toBeGreaterThan(0.01);
      expect(p.ks.pValue).toBeGreaterThan(0.01);
      expect(p.counts.reduce((a, b) => a + b, 0)).toBe(N);
    }
    expect(r.pass).toBe(true);
    expect(r.note).toMatch(/Bonferroni/);
    // The ranks are what the figure takes.
    expect(() => sbcRanksSpec(r.ranks, r.numPosteriorSamples)).not.toThrow();
  });

  it('fails for an over-confident posterior (∪-shaped ranks) and for a biased one', () => {
    const narrow = sbc(new GaussianPosterior(2, SIGMA, { scale: 0.6 }), thetas, xs, { numPosteriorSamples: L, seed: 2 });
    expect(narrow.pass).toBe(false);
    for (const p of narrow.parameters) {
      expect(p.pass).toBe(false);
      expect(p.chiSquare.pValue).toBeLessThan(1e-6);
      // Too many ranks in the outer bins.
      expect(p.counts[0] + p.counts[p.counts.length - 1]).toBeGreaterThan(3 * (2 * N) / p.counts.length);
    }
    const biased = sbc(new GaussianPosterior(2, SIGMA, { shift: 0.5 }), thetas, xs, { numPosteriorSamples: L, seed: 3 });
    expect(biased.pass).toBe(false);
    for (const p of biased.parameters) {
      expect(p.pass).toBe(false);
      expect(p.ks.pValue).toBeLessThan(1e-6);
    }
  });

  it('is reproducible for a seed', () => {
    const post = new GaussianPosterior(2, SIGMA);
    const a = sbc(post, thetas.slice(0, 50), xs.slice(0, 50), { numPosteriorSamples: 19, seed: 7 });
    const b = sbc(post, thetas.slice(0, 50), xs.slice(0, 50), { numPosteriorSamples: 19, seed: 7 });
    expect(a.ranks).toEqual(b.ranks);
    expect(a.parameters.map((p) => p.ks.pValue)).toEqual(b.parameters.map((p) => p.ks.pValue));
  });

  it('rank tests: exactly uniform ranks pass, unequal bins are handled, bad input is named', () => {
    const ranks = Array.from({ length: 1010 }, (_, i) => [i % 101]);
    const r = sbcRankTests(ranks, 100, { bins: 20, seed: 1 });
    expect(r.expectedCounts.reduce((a, b) => a + b, 0)).toBeCloseTo(1010, 9);
    expect(r.parameters[0].chiSquare.statistic).toBeLessThan(1e-9);
    expect(r.pass).toBe(true);
    expect(defaultSbcBins(500, 99)).toBe(25);
    expect(() => sbcRankTests([[3.5]], 10)).toThrow(/sbcRankTests: ranks must be integers in \[0, 10\]/);
    expect(() => sbcRankTests([[1]], 10, { tests: [] })).toThrow(/sbcRankTests: tests/);
    expect(() => sbc(new GaussianPosterior(2, SIGMA), thetas.slice(0, 3), xs.slice(0, 4))).toThrow(/sbc: thetas and xs must have the same number of rows/);
    // Regression: a NaN true parameter got rank 0 silently.
    expect(() => sbc(new GaussianPosterior(2, SIGMA), [[0, 1], [NaN, 2]], [[0, 1], [1, 2]])).toThrow(/sbc: thetas must be finite; received NaN in row 1, column 0/);
    expect(() => sbc(new GaussianPosterior(2, SIGMA), [[0, 1], [1, 2]], [[0, Infinity], [1, 2]])).toThrow(/sbc: xs must be finite; received Infinity in row 0, column 1/);
  });

  it('runs on a conditional flow through posteriorFromDistribution', () => {
    const flow = maf({ dim: 2, contextDim: 2, hidden: [8], transforms: 2, seed: 0 });
    const before = tf.memory().numTensors;
    const r = sbc(posteriorFromDistribution(flow), thetas.slice(0, 20), xs.slice(0, 20), { numPosteriorSamples: 9, batchSize: 8, seed: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.ranks).toHaveLength(20);
    expect(r.parameters).toHaveLength(2);
    flow.dispose();
  });
});
