import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/random.js';
import { simulatorFromFunction } from '../../../src/sbi/simulation/simulator.js';
import { deriveSeed } from '../../../src/sbi/simulation/simulationStreams.js';
import { posteriorPredictiveCheck, type BatchSimulate } from '../../../src/sbi/diagnostics/ppc.js';

// θ ~ N(0, 1); x = (θ + σ ε_1, θ + σ ε_2, θ + σ ε_3): posterior N(Σx / (σ² + 3), σ² / (σ² + 3)).
const SIGMA = 0.5;
const K = 3;

const simulate: BatchSimulate = (thetas, n, seed) => {
  const r = new Random(seed);
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] = thetas[i] + SIGMA * r.normal();
  return out;
};

function posteriorDraws(x: ArrayLike<number>, S: number, seed: number): { values: Float64Array; width: number } {
  const sum = Array.from(x).reduce((a, b) => a + b, 0);
  const mean = sum / (SIGMA * SIGMA + K);
  const sd = SIGMA / Math.sqrt(SIGMA * SIGMA + K);
  const r = new Random(seed);
  return { values: Float64Array.from({ length: S }, () => mean + sd * r.normal()), width: 1 };
}

const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
const statistics = {
  mean,
  sd: (x: Float64Array) => Math.sqrt(x.reduce((a, v) => a + (v - mean(x)) ** 2, 0) / (x.length - 1)),
  max: (x: Float64Array) => Math.max(...x),
};

describe('posteriorPredictiveCheck', () => {
  it('gives unremarkable p-values for observations from the model', () => {
    const r = new Random(1);
    const pValues: Record<string, number[]> = { mean: [], sd: [], max: [] };
    let extreme = 0;
    const trials = 40;
    for (let t = 0; t < trials; t++) {
      const theta = r.normal();
      const xo = Array.from({ length: K }, () => theta + SIGMA * r.normal());
      const res = posteriorPredictiveCheck(posteriorDraws(xo, 400, t), xo, simulate, { statistics, seed: t });
      for (const s of res.statistics) {
        pValues[s.name].push(s.pValue);
        if (s.extreme) extreme++;
      }
    }
    for (const name of Object.keys(pValues)) {
      const m = pValues[name].reduce((a, b) => a + b, 0) / trials;
      expect(m, name).toBeGreaterThan(0.3);
      expect(m, name).toBeLessThan(0.7);
      expect(Math.min(...pValues[name]), name).toBeGreaterThan(0.001);
    }
    // Posterior predictive p-values are conservative: fewer than the nominal 5% are flagged.
    expect(extreme / (3 * trials)).toBeLessThan(0.1);
  });

  it('flags an observation the model cannot produce', () => {
    const xo = [2.5, -2, 2.2]; // spread far beyond σ = 0.5
    const res = posteriorPredictiveCheck(posteriorDraws(xo, 1000, 3), xo, simulate, { statistics, seed: 4 });
    const sd = res.statistics.find((s) => s.name === 'sd')!;
    expect(sd.pValue).toBeLessThan(0.002);
    expect(sd.twoSidedPValue).toBeLessThan(0.004);
    expect(sd.extreme).toBe(true);
    expect(sd.quantile).toBeGreaterThan(0.998);
    expect(sd.predictive).toHaveLength(1000);
    expect(sd.quantiles[0]).toBeLessThan(sd.quantiles[2]);
    expect(sd.observed).toBeGreaterThan(sd.quantiles[2]);
    const m = res.statistics.find((s) => s.name === 'mean')!;
    expect(m.extreme).toBe(false);
  });

  it('takes a Simulator, a [1, S, d] sample tensor, default statistics, and drops failed simulations', () => {
    const sim = simulatorFromFunction(
      (theta, seed) => {
        const r = new Random(seed);
        return r.uniform() < 0.1 ? [NaN, 0, 0] : Array.from({ length: K }, () => theta[0] + SIGMA * r.normal());
      },
      { thetaDim: 1, outputDim: K },
    );
    const draws = tf.tensor3d(Array.from(posteriorDraws([0, 0, 0], 200, 1).values), [1, 200, 1]);
    const res = posteriorPredictiveCheck(draws, [0.1, -0.2, 0.3], sim, { seed: deriveSeed(1, 2) });
    draws.dispose();
    expect(res.statistics.map((s) => s.name)).toEqual(['x1', 'x2', 'x3']);
    expect(res.failedSimulations).toBeGreaterThan(5);
    expect(res.statistics[0].predictive).toHaveLength(200 - res.failedSimulations);
    expect(res.replicates).toHaveLength(200 * K);
    expect(() => posteriorPredictiveCheck(posteriorDraws([0, 0, 0], 10, 1), [0, 0], simulate)).toThrow(
      /posteriorPredictiveCheck: the simulator must return S × xDim = 10 × 2 = 20 values/,
    );
  });
});
