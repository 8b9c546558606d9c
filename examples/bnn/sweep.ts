/**
 * Part 3 of `npm run example:bnn`: the roadblock. Metropolis, HMC and NUTS on the two-moons BNN
 * as its hidden layer grows (from 5 to 257 weights, 100 data points), with 4 chains each and a fixed
 * budget of iterations (Metropolis 10 times more: its iterations are one evaluation each; NUTS trees
 * capped at depth 6). Weights are not identifiable (hidden units can be permuted and
 * sign-flipped), so convergence is judged on identifiable quantities: the log joint of each draw
 * and the predictive probability at three fixed inputs; we report their largest R-hat and the
 * smallest bulk ESS per second of wall time.
 */
import * as tf from '@tensorflow/tfjs';
import { BayesianMLP, metropolis, hmc, nuts, rhat, essBulk, type McmcResult } from '../../src/index.js';
import { moons } from './moons.js';

const PROBES = [[0, 0.5], [1, 0], [0.5, 0.25]];

/** Per chain: the log joint of each draw and the predictive probability at the probes. */
function identifiable(model: BayesianMLP, run: McmcResult): Float64Array[][] {
  const quantities: Float64Array[][] = Array.from({ length: 1 + PROBES.length }, () => []);
  run.chainDraws.forEach((draws) => {
    const [lp, probs] = tf.tidy(() => {
      const w = tf.tensor2d(Float32Array.from(draws), [run.samples, run.dim]);
      return [model.logJoint()(w).dataSync(), tf.sigmoid(model.forward(w, tf.tensor2d(PROBES))).dataSync()];
    });
    quantities[0].push(Float64Array.from(lp));
    PROBES.forEach((_, k) => quantities[k + 1].push(Float64Array.from({ length: run.samples }, (_, s) => probs[s * PROBES.length + k])));
  });
  return quantities;
}

export async function sweepPart(seed: number, quick: boolean): Promise<Record<string, number | string>[]> {
  const data = moons(100, seed + 20);
  const widths = quick ? [1, 4] : [1, 4, 16, 64];
  const rows: Record<string, number | string>[] = [];
  for (const width of widths) {
    const model = new BayesianMLP({ ...data, hidden: [width] });
    const logJoint = model.logJoint();
    const initial = model.samplePrior(4, seed + width, 0.5);
    const iterations = quick ? 30 : 100;
    const runs: [string, McmcResult][] = [
      ['Metropolis', metropolis(logJoint, { initial, warmup: 10 * iterations, samples: 10 * iterations, seed: seed + 1 })],
      ['HMC', hmc(logJoint, { initial, warmup: iterations, samples: iterations, leapfrogSteps: 16, seed: seed + 2 })],
      ['NUTS', nuts(logJoint, { initial, warmup: iterations, samples: iterations, maxTreeDepth: 6, seed: seed + 3 })],
    ];
    for (const [sampler, run] of runs) {
      const q = identifiable(model, run);
      const r = Math.max(...q.map((chains) => rhat(chains)));
      const ess = Math.min(...q.map((chains) => essBulk(chains)));
      const seconds = run.stats.wallTimeMs / 1000;
      rows.push({ sampler, hidden: width, weights: model.dim, rhat: r, essBulk: ess, seconds, essPerSecond: ess / seconds, gradientEvaluations: run.stats.evaluations.reduce((a, b) => a + b, 0) });
      console.log(`  ${sampler.padEnd(10)} ${String(model.dim).padStart(4)} weights: max R-hat ${r.toFixed(3)}, min bulk ESS ${ess.toFixed(0)}, ${seconds.toFixed(1)} s`);
    }
    model.dispose();
  }
  return rows;
}
