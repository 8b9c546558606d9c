import { describe, expect, it } from 'vitest';
import { simulateDataset } from '../../../src/node/simulateDataset.js';
import { simulatorFromFunction } from '../../../src/sbi/simulation/simulator.js';
import { UniformPrior } from '../../../src/sbi/simulation/prior.js';
import { deriveSeed } from '../../../src/sbi/simulation/simulationStreams.js';
import { ricker, rickerPrior } from '../../../simulators/ricker/ricker.js';
import { flaky, wrongLength } from '../../fixtures/flakySimulator.js';

const flakyRef = { module: new URL('../../fixtures/flakySimulator.js', import.meta.url).href, export: 'flaky' };

describe('simulateDataset', () => {
  it('gives identical results on 2 workers and on the main thread (Ricker, module reference)', async () => {
    const ref = { module: new URL('../../../simulators/ricker/ricker.js', import.meta.url).href, export: 'ricker', options: { T: 20 } };
    const progress: number[] = [];
    const main = await simulateDataset({ simulator: ricker({ T: 20 }), prior: rickerPrior(), n: 1500, seed: 4, workers: 0, chunk: 200 });
    const par = await simulateDataset({ simulator: ref, prior: rickerPrior(), n: 1500, seed: 4, workers: 2, chunk: 128, onProgress: (done) => progress.push(done) });
    expect(par.workers).toBe(2);
    expect(main.workers).toBe(0);
    expect(par.outputDim).toBe(20);
    expect(par.thetas).toEqual(main.thetas);
    expect(par.xs).toEqual(main.xs);
    expect(par.n).toBe(1500);
    expect(par.dropped).toBe(0);
    // Same rows as simulating the drawn thetas in one call.
    expect(main.xs).toEqual(ricker({ T: 20 }).simulate(main.thetas, 1500, 4));
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1500);
    expect(progress.every((v, i) => i === 0 || v > progress[i - 1])).toBe(true);
    const lp = rickerPrior().logProb(main.thetas);
    expect(lp.every(Number.isFinite)).toBe(true);
  });

  it('drops and counts simulations that throw or return NaN, identically in workers', async () => {
    const thetas = new UniformPrior([0], [1]).sample(400, 8);
    const main = await simulateDataset({ simulator: flaky, thetas, seed: 3, workers: 0, chunk: 50 });
    const par = await simulateDataset({ simulator: flakyRef, thetas, seed: 3, workers: 2, chunk: 50 });
    const threw = Array.from(thetas).filter((t) => t < 0.1).length;
    const nan = Array.from(thetas).filter((t) => t > 0.9).length;
    expect(threw).toBeGreaterThan(0);
    expect(nan).toBeGreaterThan(0);
    for (const r of [main, par]) {
      expect(r.droppedThrew).toBe(threw);
      expect(r.droppedNonFinite).toBe(nan);
      expect(r.dropped).toBe(threw + nan);
      expect(r.n).toBe(400 - threw - nan);
      expect(r.firstError).toMatch(/flaky: theta .* < 0.1/);
      expect(Array.from(r.thetas).every((t) => t >= 0.1 && t <= 0.9)).toBe(true);
      expect(r.xs.every(Number.isFinite)).toBe(true);
    }
    expect(par.thetas).toEqual(main.thetas);
    expect(par.xs).toEqual(main.xs);
    // Kept rows keep their global seeds: x_i = (theta_i, u from deriveSeed(3, i)).
    const firstKept = Array.from(thetas).findIndex((t) => t >= 0.1 && t <= 0.9);
    expect(main.xs[1]).toBe(flaky.simulate(thetas.subarray(firstKept, firstKept + 1), 1, 3, firstKept)[1]);
  });

  it("'auto' stays on the main thread when the work is too small to pay for starting workers", async () => {
    const auto = await simulateDataset({ simulator: ricker({ T: 10 }), prior: rickerPrior(), n: 300, seed: 6, chunk: 64 });
    const main = await simulateDataset({ simulator: ricker({ T: 10 }), prior: rickerPrior(), n: 300, seed: 6, workers: 0 });
    expect(auto.workers).toBe(0);
    expect(auto.xs).toEqual(main.xs);
  });

  it('runs closures on the main thread and reports it', async () => {
    const sim = simulatorFromFunction((theta, seed) => [theta[0] * 2, seed], { thetaDim: 1, outputDim: 2 });
    const r = await simulateDataset({ simulator: sim, thetas: new Float64Array([1, 2, 3]), seed: 9, workers: 2 });
    expect(r.workers).toBe(0);
    expect(Array.from(r.xs)).toEqual([2, deriveSeed(9, 0), 4, deriveSeed(9, 1), 6, deriveSeed(9, 2)]);
  });

  it('is reproducible for a seed with a prior', async () => {
    const sim = simulatorFromFunction((theta) => [theta[0] + theta[1]], { thetaDim: 2, outputDim: 1 });
    const prior = new UniformPrior([0, 0], [1, 2]);
    const a = await simulateDataset({ simulator: sim, prior, n: 50, seed: 12 });
    const b = await simulateDataset({ simulator: sim, prior, n: 50, seed: 12, chunk: 7 });
    const c = await simulateDataset({ simulator: sim, prior, n: 50, seed: 13 });
    expect(a.thetas).toEqual(b.thetas);
    expect(a.xs).toEqual(b.xs);
    expect(a.thetas).not.toEqual(c.thetas);
  });

  it('rejects broken contracts and impossible requests with clear errors', async () => {
    const thetas = new Float64Array([0.5, 0.6]);
    await expect(simulateDataset({ simulator: wrongLength, thetas, workers: 0 })).rejects.toThrow(/wrongLength.simulate: the simulator function must return 2 numbers; received length 1/);
    await expect(simulateDataset({ simulator: flaky, thetas: new Float64Array([0.01, 0.02]), workers: 0 })).rejects.toThrow(/all 2 simulations threw; the first with Error: flaky/);
    await expect(simulateDataset({ simulator: flaky })).rejects.toThrow(/give either prior \(with n\) or thetas/);
    await expect(simulateDataset({ simulator: flaky, thetas, n: 3 })).rejects.toThrow(/expected a Float64Array of n x 1 = 3 x 1 values.*received length 2/);
    await expect(simulateDataset({ simulator: ricker(), prior: new UniformPrior([0], [1]), n: 5 })).rejects.toThrow(/prior.dim must equal the simulator's thetaDim 3; received 1/);
    await expect(simulateDataset({ simulator: { module: flakyRef.module, export: 'nope' }, thetas, workers: 0 })).rejects.toThrow(/export 'nope'.*no such export/);
  });
});

describe('UniformPrior', () => {
  it('samples inside the box, reproducibly, with the right log density', () => {
    const prior = new UniformPrior([3, 0, 4], [5, 0.6, 20]);
    const x = prior.sample(1000, 1);
    expect(x).toEqual(prior.sample(1000, 1));
    const lp = prior.logProb(x);
    expect(lp.every((v) => Math.abs(v + Math.log(2 * 0.6 * 16)) < 1e-12)).toBe(true);
    expect(Array.from(prior.logProb(new Float64Array([6, 0.3, 10, 4, 0.3, 10])))).toEqual([-Infinity, -Math.log(2 * 0.6 * 16)]);
    expect(() => new UniformPrior([0, 1], [1, 1])).toThrow(/UniformPrior: need finite low < high in every dimension; dimension 1 has \[1, 1\]/);
    expect(() => prior.logProb(new Float64Array(4))).toThrow(/UniformPrior.logProb: expected a Float64Array of n x 3/);
  });

  it('takes thetas as rows (number[][] or { values, width }) as well as a Float64Array', async () => {
    const sim = ricker({ T: 10 });
    const rows = [[3.8, 0.3, 10], [4.2, 0.1, 6]];
    const fromArray = await simulateDataset({ simulator: sim, thetas: Float64Array.from(rows.flat()), seed: 4, workers: 0 });
    const fromRows = await simulateDataset({ simulator: sim, thetas: rows, seed: 4, workers: 0 });
    expect(Array.from(fromRows.xs)).toEqual(Array.from(fromArray.xs));
    await expect(simulateDataset({ simulator: sim, thetas: [[3.8, 0.3]], seed: 4 })).rejects.toThrow(/simulateDataset: thetas must have width 3; received width 2/);
  });
});
