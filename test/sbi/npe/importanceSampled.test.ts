import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { importanceWeightSummary } from '../../../src/numerics.js';
import { ImportanceSampledPosterior, systematicResample, type ImportanceProposal, type LogLikelihood } from '../../../src/sbi/npe/importanceSampled.js';
import { GaussianPrior } from '../../../src/sbi/simulation/gaussianPrior.js';
import { Random, toRandom } from '../../../src/random.js';
import { readRowsOrFlat } from '../../../src/rows.js';
import { BootstrapParticleFilter, stateSpaceLogLikelihood } from '../../../src/sbi/mcmc/particleFilter.js';
import { LinearGaussianStateSpace } from '../../../src/sbi/mcmc/linearGaussian.js';
import { Xoshiro128 } from '../../../src/sbi/simulation/simulationStreams.js';

// Conjugate normal model: theta ~ N(0, 1), x | theta ~ N(theta, s^2); the exact posterior is
// N(x / (1 + s^2), s^2 / (1 + s^2)).
const s = 0.5;
const prior = new GaussianPrior([0], [[1]]);
const exactMean = (x: number) => x / (1 + s * s);
const exactSd = Math.sqrt((s * s) / (1 + s * s));
const logLikelihood: LogLikelihood = (x, thetas) => Float64Array.from(thetas, (t) => -0.5 * ((x[0] - t) / s) ** 2 - Math.log(s * Math.sqrt(2 * Math.PI)));

/** A deliberately wrong proposal: the exact posterior shifted by `shift` sds and `widen` times as wide. */
function gaussianProposal(shift: number, widen: number): ImportanceProposal {
  const loc = (x: number) => exactMean(x) + shift * exactSd;
  const sd = widen * exactSd;
  return {
    thetaDim: 1,
    xDim: 1,
    sample(xo, n, seed) {
      const x = readRowsOrFlat('proposal', 'xo', 'xDim', xo, 1);
      const random = toRandom(seed);
      const out = new Float32Array(x.rows * n);
      for (let r = 0; r < x.rows; r++) for (let k = 0; k < n; k++) out[r * n + k] = loc(x.values[r]) + sd * random.normal();
      return tf.tensor3d(out, [x.rows, n, 1]);
    },
    logProb(theta, xo) {
      const t = readRowsOrFlat('proposal', 'theta', 'thetaDim', theta, 1);
      const x = readRowsOrFlat('proposal', 'xo', 'xDim', xo, 1);
      return tf.tensor1d(Float32Array.from(t.values, (v, i) => -0.5 * ((v - loc(x.values[x.rows === 1 ? 0 : i])) / sd) ** 2 - Math.log(sd * Math.sqrt(2 * Math.PI))));
    },
  };
}

const moments = (v: Float64Array) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean: m, sd: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) };
};

describe('ImportanceSampledPosterior', () => {
  it('corrects a shifted, too wide proposal to the exact conjugate posterior', () => {
    const proposal = gaussianProposal(0.6, 1.6);
    const posterior = new ImportanceSampledPosterior({ proposal, logLikelihood, prior, proposals: 20_000 });
    const xs = [[1.2], [-0.7]];
    const before = tf.memory().numTensors;
    const draws = posterior.sample(xs, 4000, 7);
    const corrected = draws.arraySync();
    draws.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const raw = proposal.sample(xs, 4000, 7);
    const uncorrected = raw.arraySync();
    raw.dispose();
    xs.forEach(([x], r) => {
      const c = moments(Float64Array.from(corrected[r], (d) => d[0]));
      const u = moments(Float64Array.from(uncorrected[r], (d) => d[0]));
      // 4 000 draws of about 10 000 effective proposals: the mean to within 0.05 sd, the sd to 3%.
      expect(Math.abs(c.mean - exactMean(x)) / exactSd).toBeLessThan(0.08);
      expect(Math.abs(c.sd / exactSd - 1)).toBeLessThan(0.05);
      // The proposal alone fails both checks: the correction is what passes them.
      expect(Math.abs(u.mean - exactMean(x)) / exactSd).toBeGreaterThan(0.4);
      expect(u.sd / exactSd).toBeGreaterThan(1.4);
    });
    expect(posterior.lastDiagnostics).toHaveLength(2);
    for (const d of posterior.lastDiagnostics) {
      expect(d.proposals).toBe(20_000);
      expect(d.ess).toBeGreaterThan(5000);
      expect(d.ess).toBeLessThan(20_000);
    }
  });

  it('estimates the log evidence log p(x) = log N(x; 0, 1 + s^2)', () => {
    const posterior = new ImportanceSampledPosterior({ proposal: gaussianProposal(0.3, 1.3), logLikelihood, prior, proposals: 20_000 });
    const x = 0.9;
    const w = posterior.weigh([x], 3);
    const exact = -0.5 * (x * x) / (1 + s * s) - 0.5 * Math.log(2 * Math.PI * (1 + s * s));
    expect(Math.abs(w.logEvidence - exact)).toBeLessThan(0.02);
  });

  it('gives the same draws for the same seed and other draws for another', () => {
    const posterior = new ImportanceSampledPosterior({ proposal: gaussianProposal(0.2, 1.2), logLikelihood, prior, proposals: 500 });
    const a = posterior.sample([[0.4]], 50, 11);
    const b = posterior.sample([[0.4]], 50, 11);
    const c = posterior.sample([[0.4]], 50, 12);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });

  it('has ESS equal to the proposals when the weights are equal (flat likelihood, proposal = posterior = prior)', () => {
    const flat: LogLikelihood = (_x, thetas) => new Float64Array(thetas.length);
    const priorAsProposal: ImportanceProposal = {
      thetaDim: 1,
      xDim: 1,
      sample: (_xo, n, seed) => tf.tensor3d(Float32Array.from(prior.sample(n, seed)), [1, n, 1]),
      logProb: (theta) => tf.tensor1d(Float32Array.from(prior.logProb(readRowsOrFlat('p', 'theta', 'thetaDim', theta, 1).values))),
    };
    const w = new ImportanceSampledPosterior({ proposal: priorAsProposal, logLikelihood: flat, prior, proposals: 300 }).weigh([0], 1);
    expect(w.ess).toBeCloseTo(300, 6);
    expect(w.logEvidence).toBeCloseTo(0, 6);
  });

  it('throws, naming the function, when every proposal has weight 0', () => {
    const impossible: LogLikelihood = (_x, thetas) => new Float64Array(thetas.length).fill(-Infinity);
    const posterior = new ImportanceSampledPosterior({ proposal: gaussianProposal(0, 1), logLikelihood: impossible, prior, proposals: 100 });
    expect(() => posterior.sample([[0]], 10, 1)).toThrow(/ImportanceSampledPosterior.sample: every one of the 100 proposals has weight 0/);
    expect(() => new ImportanceSampledPosterior({ proposal: gaussianProposal(0, 1), logLikelihood, prior, proposals: 0 })).toThrow(/proposals/);
  });

  it('logProb is the log posterior up to one constant per observation', () => {
    const posterior = new ImportanceSampledPosterior({ proposal: gaussianProposal(0, 1), logLikelihood, prior });
    const x = 0.8;
    const thetas = [[-0.5], [0.1], [0.6], [1.4]];
    const lp = posterior.logProb(thetas, [[x]]);
    const values = Array.from(lp.dataSync());
    lp.dispose();
    const exact = thetas.map(([t]) => -0.5 * ((t - exactMean(x)) / exactSd) ** 2);
    const offsets = values.map((v, i) => v - exact[i]);
    for (const o of offsets) expect(o).toBeCloseTo(offsets[0], 4);
  });

  it('logProb of a noisy likelihood is reproducible without a seed and varies with it', () => {
    // An estimate whose noise comes from the seed, as a particle filter's does.
    const noisy: LogLikelihood = (x, thetas, seed) => {
      const random = new Random(seed);
      return Float64Array.from(logLikelihood(x, thetas, seed), (v) => v + 0.1 * random.normal());
    };
    const posterior = new ImportanceSampledPosterior({ proposal: gaussianProposal(0, 1), logLikelihood: noisy, prior });
    const values = (seed?: number) => {
      const lp = posterior.logProb([[0.1], [0.6]], [[0.3]], seed);
      const v = Array.from(lp.dataSync());
      lp.dispose();
      return v;
    };
    expect(values()).toEqual(values());
    expect(values(5)).toEqual(values(5));
    expect(values(5)).not.toEqual(values(6));
  });
});

describe('systematicResample', () => {
  it('draws each index floor(n w_i) or ceil(n w_i) times and never one of weight 0', () => {
    const w = [0.5, 0, 0.3, 0.15, 0.05, 0];
    const logW = Float64Array.from(w, Math.log);
    const n = 37;
    for (let seed = 0; seed < 20; seed++) {
      const picks = systematicResample(logW, n, toRandom(seed));
      const counts = w.map((_, i) => picks.filter((p) => p === i).length);
      counts.forEach((c, i) => {
        expect(c).toBeGreaterThanOrEqual(Math.floor(n * w[i]));
        expect(c).toBeLessThanOrEqual(Math.ceil(n * w[i]));
      });
      expect(counts[1] + counts[5]).toBe(0);
    }
  });

  it('importanceWeightSummary (numerics.ts): ESS (sum w)^2 / sum w^2 and the log mean weight, overflow-free', () => {
    const w = [1, 2, 3, 0];
    const r = importanceWeightSummary(Float64Array.from(w, Math.log));
    expect(r.ess).toBeCloseTo(36 / 14, 10);
    expect(r.logMeanWeight).toBeCloseTo(Math.log(6 / 4), 10);
    const shifted = importanceWeightSummary(Float64Array.from(w, (v) => Math.log(v) + 1000));
    expect(shifted.ess).toBeCloseTo(36 / 14, 10);
    expect(shifted.logMeanWeight).toBeCloseTo(1000 + Math.log(6 / 4), 8);
    expect(importanceWeightSummary(Float64Array.of(-Infinity, -Infinity))).toEqual({ ess: 0, logMeanWeight: -Infinity });
  });
});

describe('stateSpaceLogLikelihood', () => {
  it('filters row i of thetas on the stream (seed, i), as one BootstrapParticleFilter would', () => {
    const model = new LinearGaussianStateSpace({ m0: 0.5, p0: 2 });
    const y = model.simulate([0.8, 0.5, 0.7], 15, 3).y;
    const thetas = Float64Array.of(0.8, 0.5, 0.7, 0.6, 0.4, 0.9);
    const ll = stateSpaceLogLikelihood(model, { particles: 64 })(Float64Array.from(y), thetas, 5);
    const filter = new BootstrapParticleFilter(model, y, { particles: 64 });
    expect(ll[0]).toBe(filter.logLikelihood(thetas.subarray(0, 3), new Xoshiro128(5, 0)));
    expect(ll[1]).toBe(filter.logLikelihood(thetas.subarray(3, 6), new Xoshiro128(5, 1)));
    expect(() => stateSpaceLogLikelihood(model, { particles: 8 })(Float64Array.from(y), Float64Array.of(1, 2), 1)).toThrow(/stateSpaceLogLikelihood: thetas must hold n x thetaDim = n x 3/);
  });
});
