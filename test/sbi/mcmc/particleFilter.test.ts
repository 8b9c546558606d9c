import { describe, expect, it } from 'vitest';
import { BootstrapParticleFilter, particleFilterLogLikelihood } from '../../../src/sbi/mcmc/particleFilter.js';
import { LinearGaussianStateSpace } from '../../../src/sbi/mcmc/linearGaussian.js';
import { Xoshiro128 } from '../../../src/sbi/simulation/simulationStreams.js';
import { tuneParticles } from '../../../src/sbi/mcmc/tuneParticles.js';
import { RickerStateSpace, logFactorial } from '../../../simulators/ricker/stateSpace.js';
import { Ricker } from '../../../simulators/ricker/ricker.js';
import { poisson, poissonLogPmf } from '../../../src/sbi/simulation/poisson.js';

const lg = new LinearGaussianStateSpace({ m0: 0.5, p0: 2 });
const lgTheta = [0.8, 0.5, 0.7];
const lgY = lg.simulate(lgTheta, 20, 3).y;

describe('bootstrap particle filter', () => {
  it.each([1, 0.5])(
    'gives an unbiased likelihood estimate p_hat (not log p_hat) on a linear-Gaussian model (resampleThreshold %d)',
    (threshold) => {
      const exact = lg.kalmanLogLikelihood(lgY, lgTheta);
      const pf = new BootstrapParticleFilter(lg, lgY, { particles: 20, resampleThreshold: threshold });
      const rng = new Xoshiro128(17, 0);
      const R = 4000;
      let s = 0;
      let s2 = 0;
      let sLog = 0;
      let sLog2 = 0;
      for (let r = 0; r < R; r++) {
        const ll = pf.logLikelihood(lgTheta, rng);
        const ratio = Math.exp(ll - exact);
        s += ratio;
        s2 += ratio * ratio;
        sLog += ll;
        sLog2 += ll * ll;
      }
      const mean = s / R;
      const se = Math.sqrt((s2 / R - mean * mean) / R);
      // The check is informative: the ratio's standard error is small, and log p_hat is noisy.
      expect(se).toBeLessThan(0.03);
      expect(Math.abs(mean - 1)).toBeLessThan(4 * se);
      // log p_hat is biased downwards (Jensen): its mean sits clearly below the exact value.
      const meanLog = sLog / R;
      const sdLog = Math.sqrt(sLog2 / R - meanLog * meanLog);
      expect(sdLog).toBeGreaterThan(0.3);
      expect(meanLog - exact).toBeLessThan(-10 * (sdLog / Math.sqrt(R)));
    },
  );

  it('converges to the Kalman log-likelihood with many particles', () => {
    const exact = lg.kalmanLogLikelihood(lgY, lgTheta);
    const ll = particleFilterLogLikelihood(lg, lgY, lgTheta, { particles: 20000, seed: 5 });
    expect(Math.abs(ll - exact)).toBeLessThan(0.05);
  });

  it('is deterministic for a seed, differs between seeds, and resamples only when the ESS is low', () => {
    const run = (seed: number, threshold?: number): number =>
      particleFilterLogLikelihood(lg, lgY, lgTheta, { particles: 50, seed, resampleThreshold: threshold });
    expect(run(3)).toBe(run(3));
    expect(run(3)).not.toBe(run(4));
    const always = new BootstrapParticleFilter(lg, lgY, { particles: 50, resampleThreshold: 1 });
    always.logLikelihood(lgTheta, 1);
    expect(always.resampleCount).toBe(lgY.length - 1);
    const adaptive = new BootstrapParticleFilter(lg, lgY, { particles: 50, resampleThreshold: 0.5 });
    adaptive.logLikelihood(lgTheta, 1);
    expect(adaptive.resampleCount).toBeGreaterThan(0);
    expect(adaptive.resampleCount).toBeLessThan(lgY.length - 1);
    const never = new BootstrapParticleFilter(lg, lgY, { particles: 50, resampleThreshold: 0 });
    never.logLikelihood(lgTheta, 1);
    expect(never.resampleCount).toBe(0);
  });

  it('returns -Infinity when every particle has zero weight, and rejects bad arguments', () => {
    const ricker = new RickerStateSpace();
    expect(particleFilterLogLikelihood(ricker, [3, 5], [3.8, 0.3, 0], { particles: 10, seed: 1 })).toBe(-Infinity);
    expect(particleFilterLogLikelihood(ricker, [3, 5], [3.8, -0.1, 10], { particles: 10, seed: 1 })).toBe(-Infinity);
    expect(() => new BootstrapParticleFilter(ricker, [1, 2.5], { particles: 10 })).toThrow(/non-negative integers; received 2.5 at t = 1/);
    expect(() => new BootstrapParticleFilter(ricker, [1, 2], { particles: 0 })).toThrow(/particles must be a positive integer/);
    expect(() => new BootstrapParticleFilter(ricker, [], { particles: 5 })).toThrow(/T >= 1/);
  });
});

describe('Ricker state-space model', () => {
  it('reproduces the Ricker simulator on the same stream (log N_t dynamics, Poisson counts)', () => {
    const model = new RickerStateSpace();
    const thetas = Float64Array.of(3.8, 0.3, 10, 4.5, 0.5, 18, 3.2, 0.1, 5);
    const T = 40;
    const sim = new Ricker({ T }).simulate(thetas, 3, 21);
    for (let i = 0; i < 3; i++) {
      const th = thetas.subarray(3 * i, 3 * i + 3);
      const g = new Xoshiro128(21, i);
      const p = new Float64Array(model.stateDim);
      model.initialize(p, th, g);
      for (let t = 0; t < T; t++) {
        model.propagate(p, th, t, g);
        expect(poisson(g, th[2] * Math.exp(p[0]))).toBe(sim[i * T + t]);
      }
    }
  });

  it('has the Poisson log-pmf as observation density, including y = 0, underflow and huge counts', () => {
    const model = new RickerStateSpace();
    const theta = [3.8, 0.3, 12];
    const logN = [-800, -3, 0, 2.5, 4];
    const p = new Float64Array(logN.length * model.stateDim);
    for (let i = 0; i < logN.length; i++) {
      p[i * model.stateDim] = logN[i];
      if (model.stateDim === 2) p[2 * i + 1] = Math.exp(logN[i]);
    }
    const out = new Float64Array(logN.length);
    for (const y of [0, 1, 7, 300, 5000]) {
      model.logObservationDensity(p, Float64Array.of(y), theta, out);
      for (let i = 0; i < logN.length; i++) {
        const lambda = theta[2] * Math.exp(logN[i]);
        const ref = lambda > 0 ? poissonLogPmf(y, lambda) : y * (Math.log(theta[2]) + logN[i]) - logFactorial(y);
        expect(Number.isFinite(out[i])).toBe(true);
        expect(out[i]).toBeCloseTo(ref, 8);
      }
    }
    let direct = 0;
    for (let k = 2; k <= 3000; k++) direct += Math.log(k);
    expect(logFactorial(3000)).toBeCloseTo(direct, 8);
    expect(logFactorial(0)).toBe(0);
  });

  it('gives the exact likelihood for sigma = 0 (deterministic skeleton) with any particle count', () => {
    const model = new RickerStateSpace();
    const theta = [3.5, 0, 8];
    const y = new Ricker({ T: 30 }).simulate(Float64Array.from(theta), 1, 4);
    let exact = 0;
    let N = 1;
    for (let t = 0; t < 30; t++) {
      N = Math.exp(theta[0]) * N * Math.exp(-N);
      exact += poissonLogPmf(y[t], theta[2] * N);
    }
    for (const n of [1, 7]) expect(particleFilterLogLikelihood(model, y, theta, { particles: n, seed: n })).toBeCloseTo(exact, 8);
  });

  it('burnIn propagates before the first observation like the simulator', () => {
    const theta = Float64Array.of(3.8, 0.3, 10);
    const sim = new Ricker({ T: 5, burnIn: 3 }).simulate(theta, 1, 2);
    const model = new RickerStateSpace({ burnIn: 3 });
    const g = new Xoshiro128(2, 0);
    const p = new Float64Array(model.stateDim);
    model.initialize(p, theta, g);
    for (let t = 0; t < 5; t++) {
      model.propagate(p, theta, t, g);
      expect(poisson(g, theta[2] * Math.exp(p[0]))).toBe(sim[t]);
    }
  });
});

describe('tuneParticles', () => {
  it('finds a particle count whose log-likelihood sd is at most the target, and fewer give more', () => {
    const r = tuneParticles(lg, lgY, lgTheta, { targetSd: 0.5, initial: 20, repeats: 60, seed: 3 });
    expect(r.sd).toBeLessThanOrEqual(0.5);
    expect(r.measurements.some((m) => m.particles < r.particles && m.sd > 0.5)).toBe(true);
    const again = tuneParticles(lg, lgY, lgTheta, { targetSd: 0.5, initial: 20, repeats: 60, seed: 3 });
    expect(again).toEqual(r);
  });
});
