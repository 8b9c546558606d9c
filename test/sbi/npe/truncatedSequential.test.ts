// Truncated sequential NPE (TSNPE) on a conjugate Gaussian simulator with a known posterior: two
// rounds beat one round of the same total budget; the truncated prior's draws satisfy the HPD
// threshold; seeded determinism; errors on bad options; no tensor leaks.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { truncatedSequentialNPE, type TruncatedSequentialOptions } from '../../../src/sbi/npe/truncatedSequential.js';
import { hpdThreshold, TruncatedPrior } from '../../../src/sbi/npe/truncation.js';
import { trainNPE } from '../../../src/sbi/npe/trainNPE.js';
import type { NPEPosterior } from '../../../src/sbi/npe/posterior.js';
import { GaussianPrior } from '../../../src/sbi/simulation/gaussianPrior.js';
import { UniformPrior } from '../../../src/sbi/simulation/prior.js';
import { simulatorFromFunction } from '../../../src/sbi/simulation/simulator.js';
import { Random } from '../../../src/random.js';

// theta ~ N(0, PRIOR_SD^2 I_2), x = theta + NOISE eps: the posterior is
// N(SHRINK x, SHRINK NOISE^2 I) with SHRINK = PRIOR_SD^2 / (PRIOR_SD^2 + NOISE^2).
const PRIOR_SD = 3;
const NOISE = 0.1;
const SHRINK = PRIOR_SD ** 2 / (PRIOR_SD ** 2 + NOISE ** 2);
const POST_SD = Math.sqrt(SHRINK) * NOISE;
const XO = [2.5, -1.5];
const prior = new GaussianPrior([0, 0], [[PRIOR_SD ** 2, 0], [0, PRIOR_SD ** 2]]);
const simulator = simulatorFromFunction(
  (theta, seed) => {
    const r = new Random(seed);
    return [theta[0] + NOISE * r.normal(), theta[1] + NOISE * r.normal()];
  },
  { thetaDim: 2, outputDim: 2, name: 'gaussian' },
);
// A small flow: it cannot fit the posterior's mean to a fraction of its sd (0.1) over the whole
// prior range (x within +-9), which is where concentrating the simulations pays.
const npe = { density: 'maf' as const, flow: { hidden: [16], transforms: 2 }, maxEpochs: 30, learningRate: 2e-3, batchSize: 100 };

/** Largest of |mean - exact mean| / exact sd and |sd / exact sd - 1| over the parameters, from 4 000 draws at XO. */
function posteriorError(posterior: { sample: (xo: number[][], n: number, seed: number) => tf.Tensor3D }): number {
  const n = 4000;
  const draws = tf.tidy(() => posterior.sample([XO], n, 21).dataSync());
  let worst = 0;
  for (let j = 0; j < 2; j++) {
    let s = 0;
    let ss = 0;
    for (let i = j; i < draws.length; i += 2) s += draws[i];
    const mean = s / n;
    for (let i = j; i < draws.length; i += 2) ss += (draws[i] - mean) ** 2;
    const sd = Math.sqrt(ss / n);
    worst = Math.max(worst, Math.abs(mean - SHRINK * XO[j]) / POST_SD, Math.abs(sd / POST_SD - 1));
  }
  return worst;
}

const base = (over: Partial<TruncatedSequentialOptions> = {}): TruncatedSequentialOptions => ({
  simulator, prior, observation: XO, rounds: 2, simulations: 1000, npe, seed: 3, ...over,
});

describe('truncated sequential NPE', () => {
  // Measured with seeds 3-6: error of one round of 2 000 simulations 0.88 / 0.46 / 0.63 / 0.73,
  // of two rounds of 1 000 0.28 / 0.07 / 0.20 / 0.19 continuing round 1's posterior (the
  // default), 0.59 / 0.19 / 0.42 / 0.40 retraining from scratch.
  test('two rounds of 1 000 simulations are closer to the exact posterior than one round of 2 000', async () => {
    const before = tf.memory().numTensors;
    const one = await truncatedSequentialNPE(base({ rounds: 1, simulations: 2000 }));
    const two = await truncatedSequentialNPE(base());
    const e1 = posteriorError(one.posterior);
    const e2 = posteriorError(two.posterior);
    expect(two.rounds.map((r) => r.trainingRows)).toEqual([1000, 2000]);
    expect(two.rounds[0].threshold).toBeNull();
    expect(two.rounds[0].acceptanceRate).toBe(1);
    expect(Number.isFinite(two.rounds[1].threshold)).toBe(true);
    // The HPD region of a posterior of sd 0.1 is a small part of the N(0, 9 I) prior.
    expect(two.rounds[1].acceptanceRate).toBeGreaterThan(0.003);
    expect(two.rounds[1].acceptanceRate).toBeLessThan(0.2);
    expect(two.rounds[1].proposed).toBeGreaterThanOrEqual(1000 / two.rounds[1].acceptanceRate - 10_000);
    expect(e2, `error after 2 rounds ${e2}, after 1 round ${e1}`).toBeLessThan(0.8 * e1);
    expect(e2).toBeLessThan(0.7);
    one.posterior.dispose();
    two.posterior.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('later rounds continue the previous posterior (standardisation kept) unless retrainFromScratch', async () => {
    const before = tf.memory().numTensors;
    for (const retrainFromScratch of [false, true]) {
      const seen: { posterior: object; xMean: number[] }[] = [];
      const run = await truncatedSequentialNPE(
        base({
          simulations: 400,
          npe: { ...npe, maxEpochs: 3 },
          retrainFromScratch,
          onRoundEnd: (_r, p) => {
            seen.push({ posterior: p, xMean: Array.from((p as unknown as { xStandardizer: { mean: tf.Tensor } }).xStandardizer.mean.dataSync()) });
          },
        }),
      );
      expect(seen).toHaveLength(2);
      expect(run.posterior).toBe(seen[1].posterior);
      if (retrainFromScratch) {
        expect(seen[1].posterior).not.toBe(seen[0].posterior);
        // A new posterior standardises with the union's statistics, concentrated near XO in round 2.
        expect(seen[1].xMean).not.toEqual(seen[0].xMean);
      } else {
        expect(seen[1].posterior).toBe(seen[0].posterior);
        expect(seen[1].xMean).toEqual(seen[0].xMean);
      }
      run.posterior.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test("trainOn 'region': a later round trains on its own draws and the earlier rounds' draws inside its region only", async () => {
    const before = tf.memory().numTensors;
    const seen: { n: number; minLogProb: number }[] = [];
    const run = await truncatedSequentialNPE(
      base({
        rounds: 3,
        trainOn: 'region',
        train: (data, { seed, previous }) => {
          // Before training continues, `previous` is the posterior whose region this round drew from.
          const minLogProb = previous
            ? tf.tidy(() => Math.min(...previous.logProb({ values: data.thetas, width: 2 }, [XO]).dataSync()))
            : -Infinity;
          seen.push({ n: data.n, minLogProb });
          const { posterior, history } = trainNPE({ ...npe, simulations: data, seed, continueFrom: (previous as NPEPosterior | null) ?? undefined });
          return { posterior, history };
        },
      }),
    );
    const [r1, r2, r3] = run.rounds;
    expect(r1.trainingRows).toBe(1000);
    // Round 2: its 1 000 draws and the part of round 1's prior draws that lies in its region.
    expect(r2.trainingRows).toBe(seen[1].n);
    expect(r2.trainingRows).toBeGreaterThan(1000);
    expect(r2.trainingRows).toBeLessThan(1000 + 0.3 * 1000);
    expect(seen[1].minLogProb).toBeGreaterThanOrEqual(r2.threshold!);
    // Round 3: its draws and every earlier draw (of rounds 1 and 2) in its own region.
    expect(r3.trainingRows).toBe(seen[2].n);
    expect(r3.trainingRows).toBeGreaterThan(1000);
    expect(r3.trainingRows).toBeLessThan(3000);
    expect(seen[2].minLogProb).toBeGreaterThanOrEqual(r3.threshold!);
    expect(posteriorError(run.posterior)).toBeLessThan(0.7);
    run.posterior.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(truncatedSequentialNPE(base({ trainOn: 'some' as 'all' }))).rejects.toThrow(/trainOn must be 'all' or 'region'; received some/);
  });

  test('truncated prior: every draw reaches the threshold and lies in the prior box; seeded; HPD mass 1 - epsilon', () => {
    const before = tf.memory().numTensors;
    const box = new UniformPrior([-2, -2], [2, 2]);
    const r = new Random(1);
    const thetas = Array.from({ length: 800 }, () => [4 * r.uniform() - 2, 4 * r.uniform() - 2]);
    const xs = thetas.map((t) => t.map((v) => v + 0.3 * r.normal()));
    const { posterior } = trainNPE({ thetas, xs, bounds: box.bounds, seed: 2, density: 'maf', flow: { hidden: [16], transforms: 2 }, maxEpochs: 5 });
    const xo = tf.tensor2d([[1.5, -0.5]]);
    const threshold = hpdThreshold(posterior, xo, { quantile: 0.2, samples: 2000, seed: 4 });
    // 80% of fresh posterior draws lie in the 80% HPD region (binomial sd 0.009).
    const inRegion = tf.tidy(() => {
      const lp = posterior.logProb(tf.reshape(posterior.sample(xo, 4000, 5), [4000, 2]) as tf.Tensor2D, xo).dataSync();
      return lp.filter((v) => v >= threshold).length / 4000;
    });
    expect(Math.abs(inRegion - 0.8)).toBeLessThan(0.04);
    const truncated = new TruncatedPrior(box, posterior, xo, { threshold, batch: 1000 });
    const { thetas: draws, proposed, acceptanceRate } = truncated.sampleWithStats(500, 6);
    expect(draws.length).toBe(1000);
    expect(acceptanceRate).toBeGreaterThan(0);
    expect(acceptanceRate).toBeLessThan(1);
    expect(proposed % 1000).toBe(0);
    const lp = tf.tidy(() => posterior.logProb({ values: draws, width: 2 }, xo).dataSync());
    for (let i = 0; i < 500; i++) {
      expect(lp[i]).toBeGreaterThanOrEqual(threshold);
      expect(Math.abs(draws[2 * i])).toBeLessThan(2);
      expect(Math.abs(draws[2 * i + 1])).toBeLessThan(2);
    }
    expect(Array.from(truncated.sample(500, 6))).toEqual(Array.from(draws));
    expect(Array.from(truncated.sample(500, 7))).not.toEqual(Array.from(draws));
    // logProb: the prior's inside the region, -Infinity outside it.
    const check = Float64Array.from([draws[0], draws[1], -1.9, 1.9]);
    const tlp = truncated.logProb(check, 2);
    expect(tlp[0]).toBeCloseTo(-Math.log(16), 10);
    expect(tlp[1]).toBe(-Infinity);
    // contains: the same region test, in batches of any size.
    expect(Array.from(truncated.contains(check))).toEqual([1, 0]);
    const small = new TruncatedPrior(box, posterior, xo, { threshold, batch: 7 });
    expect(Array.from(small.contains(draws.subarray(0, 40)))).toEqual(new Array(20).fill(1));
    // A threshold no prior draw reaches: a clear error naming the acceptance rate.
    const impossible = new TruncatedPrior(box, posterior, xo, { threshold: 1e6, batch: 1000, minAcceptanceRate: 0.5 });
    expect(() => impossible.sample(100, 8)).toThrow(/acceptance rate .* below minAcceptanceRate 0.5/);
    tf.dispose(xo);
    posterior.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('same seed, same rounds; a different seed, different rounds', async () => {
    const small = { ...npe, maxEpochs: 2 };
    const run = async (seed: number) => {
      const r = await truncatedSequentialNPE(base({ simulations: 200, npe: small, seed, thresholdSamples: 1000 }));
      const draws = tf.tidy(() => Array.from(r.posterior.sample([XO], 20, 1).dataSync()));
      r.posterior.dispose();
      return { draws, thresholds: r.rounds.map((x) => x.threshold), rates: r.rounds.map((x) => x.acceptanceRate) };
    };
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    expect((await run(12)).draws).not.toEqual(a.draws);
  });

  test('bad options are errors that name the option and the value', async () => {
    await expect(truncatedSequentialNPE(base({ rounds: 0 }))).rejects.toThrow(/rounds must be an integer >= 1; received 0/);
    await expect(truncatedSequentialNPE(base({ rounds: 1.5 }))).rejects.toThrow(/rounds must be an integer >= 1; received 1.5/);
    await expect(truncatedSequentialNPE(base({ simulations: 0 }))).rejects.toThrow(/simulations must be a positive integer; received 0/);
    await expect(truncatedSequentialNPE(base({ simulationsPerRound: -5 }))).rejects.toThrow(/simulationsPerRound must be a positive integer; received -5/);
    await expect(truncatedSequentialNPE(base({ observation: [[1, 2], [3, 4]] }))).rejects.toThrow(/single row/);
    const xo = tf.tensor2d([[0, 0]]);
    const fake = { sample: () => tf.zeros([1, 1, 2]) as tf.Tensor3D, logProb: () => tf.zeros([1]) as tf.Tensor1D };
    expect(() => hpdThreshold(fake, xo, { quantile: 1 })).toThrow(/quantile must be in \[0, 1\); received 1/);
    expect(() => new TruncatedPrior(prior, fake, xo, { threshold: NaN })).toThrow(/threshold must be a finite log density; received NaN/);
    expect(() => new TruncatedPrior(prior, fake, xo, { threshold: 0, minAcceptanceRate: 0 })).toThrow(/minAcceptanceRate must be in \(0, 1\]; received 0/);
    xo.dispose();
  });
});
