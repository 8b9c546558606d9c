/**
 * Posterior predictive checks (Gelman, Meng & Stern 1996, "Posterior predictive assessment of
 * model fitness via realized discrepancies"; Gelman et al., Bayesian Data Analysis, ch. 6).
 * Replicated data x_rep,s ~ p(x | θ_s) for posterior draws θ_s ~ q(θ | x_o) give, for each summary
 * statistic T, the posterior predictive distribution of T(x_rep) and the predictive p-value
 *   p_T = Pr(T(x_rep) ≥ T(x_o) | x_o) ≈ #{s : T(x_rep,s) ≥ T(x_o)} / S.
 * p-values near 0 or 1 flag features of the observation that the model (simulator and posterior)
 * does not reproduce: a misspecified simulator, or a posterior that missed the data.
 */
import * as tf from '@tensorflow/tfjs';
import { toRandom, type SeedLike } from '../../random.js';
import { isSimulator, type Simulator } from '../simulation/simulator.js';
import { readRows, type RowsInput } from '../../rows.js';
import { quantileSorted } from '../../quantile.js';

/** A batched simulator callback: n parameter rows (row-major n × thetaDim) → n output rows (n × xDim). */
export type BatchSimulate = (thetas: Float64Array, n: number, seed: number) => ArrayLike<number>;

/** A scalar summary statistic of one data row. */
export type SummaryStatistic = (x: Float64Array) => number;

export interface PpcOptions {
  /** Named statistics (default: every component of x, named x1 ... xD). */
  statistics?: Record<string, SummaryStatistic>;
  /** Significance level for the `extreme` flag (two-sided; default 0.05). */
  level?: number;
  /** Seed of the simulations. */
  seed?: SeedLike;
}

/** The check of one statistic: its predictive distribution and where the observation falls in it. */
export interface PpcStatisticResult {
  name: string;
  /** T(x_o). */
  observed: number;
  /** T(x_rep,s) for every replicate with a finite value (for a histogram with the observed line). */
  predictive: Float64Array;
  /** Pr(T(x_rep) ≥ T(x_o)): the posterior predictive p-value. */
  pValue: number;
  /** Mid-rank quantile of T(x_o) in the predictive distribution, (#{<} + #{=}/2) / S. */
  quantile: number;
  /** min(1, 2 min(Pr(T_rep ≤ T_obs), Pr(T_rep ≥ T_obs))). */
  twoSidedPValue: number;
  /** twoSidedPValue < level. */
  extreme: boolean;
  mean: number;
  sd: number;
  /** 5%, 50% and 95% quantiles of the predictive distribution. */
  quantiles: [number, number, number];
}

export interface PpcResult {
  statistics: PpcStatisticResult[];
  /** Replicated data, row-major [S, xDim] (rows of failed simulations included, as returned). */
  replicates: Float64Array;
  xDim: number;
  /** Number of posterior draws simulated. */
  numSimulations: number;
  /** Replicates with NaN or Infinity, left out of every statistic. */
  failedSimulations: number;
  level: number;
}

/** Posterior draws for one observation: [S, thetaDim], or a posterior's [1, S, thetaDim] sample. */
export type PosteriorSamplesInput = RowsInput | tf.Tensor3D;

/**
 * Posterior predictive check of the observation xo: simulates one replicate per posterior draw
 * (one batched call of the simulator, seeded), then compares each statistic of xo with its
 * predictive distribution. `simulator` is a {@link Simulator} or a {@link BatchSimulate} callback.
 */
export function posteriorPredictiveCheck(
  posteriorSamples: PosteriorSamplesInput,
  xo: ArrayLike<number>,
  simulator: Simulator | BatchSimulate,
  options: PpcOptions = {},
): PpcResult {
  const fn = 'posteriorPredictiveCheck';
  let samples: RowsInput;
  if (posteriorSamples instanceof tf.Tensor && posteriorSamples.rank === 3) {
    if (posteriorSamples.shape[0] !== 1) throw new Error(`${fn}: a 3-D posteriorSamples must be [1, S, thetaDim] (one observation); received [${posteriorSamples.shape.join(', ')}]`);
    samples = { values: posteriorSamples.dataSync(), width: posteriorSamples.shape[2] as number };
  } else {
    samples = posteriorSamples as RowsInput;
  }
  const theta = readRows(fn, 'posteriorSamples', samples);
  const xDim = xo.length;
  if (xDim === 0) throw new Error(`${fn}: xo must have at least one value; received none`);
  const observedRow = Float64Array.from(xo);
  const level = options.level ?? 0.05;
  if (!(level > 0 && level < 1)) throw new Error(`${fn}: level must lie in (0, 1); received ${level}`);
  const statistics: Record<string, SummaryStatistic> =
    options.statistics ?? Object.fromEntries(Array.from({ length: xDim }, (_, j) => [`x${j + 1}`, (x: Float64Array) => x[j]]));
  const names = Object.keys(statistics);
  if (names.length === 0) throw new Error(`${fn}: statistics must name at least one statistic`);
  const S = theta.rows;
  const seed = toRandom(options.seed).nextSeed();
  if (isSimulator(simulator) && simulator.thetaDim !== theta.width) {
    throw new Error(`${fn}: the simulator takes thetaDim = ${simulator.thetaDim}; posteriorSamples have width ${theta.width}`);
  }
  const raw = isSimulator(simulator) ? simulator.simulate(theta.values, S, seed, 0) : (simulator as BatchSimulate)(theta.values, S, seed);
  if (raw.length !== S * xDim) {
    throw new Error(`${fn}: the simulator must return S × xDim = ${S} × ${xDim} = ${S * xDim} values (xDim from xo); received ${raw.length}`);
  }
  const replicates = Float64Array.from(raw);
  const ok: number[] = [];
  for (let s = 0; s < S; s++) {
    let finite = true;
    for (let j = 0; j < xDim; j++) if (!Number.isFinite(replicates[s * xDim + j])) finite = false;
    if (finite) ok.push(s);
  }
  if (ok.length === 0) throw new Error(`${fn}: all ${S} simulations returned NaN or Infinity`);
  const results = names.map((name): PpcStatisticResult => {
    const T = statistics[name];
    const observed = T(observedRow);
    if (!Number.isFinite(observed)) throw new Error(`${fn}: statistic "${name}" of xo is ${observed}; it must be finite`);
    const values: number[] = [];
    for (const s of ok) {
      const v = T(replicates.subarray(s * xDim, (s + 1) * xDim));
      if (Number.isFinite(v)) values.push(v);
    }
    const predictive = Float64Array.from(values);
    const n = predictive.length;
    let below = 0;
    let equal = 0;
    let sum = 0;
    for (const v of predictive) {
      if (v < observed) below++;
      else if (v === observed) equal++;
      sum += v;
    }
    const mean = n > 0 ? sum / n : NaN;
    const sd = n > 1 ? Math.sqrt(predictive.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : NaN;
    const sorted = Float64Array.from(predictive).sort();
    const pValue = n > 0 ? (n - below) / n : NaN;
    const lowerTail = n > 0 ? (below + equal) / n : NaN;
    const twoSidedPValue = Math.min(1, 2 * Math.min(pValue, lowerTail));
    return {
      name,
      observed,
      predictive,
      pValue,
      quantile: n > 0 ? (below + equal / 2) / n : NaN,
      twoSidedPValue,
      extreme: twoSidedPValue < level,
      mean,
      sd,
      quantiles: [quantileSorted(sorted, 0.05), quantileSorted(sorted, 0.5), quantileSorted(sorted, 0.95)],
    };
  });
  return { statistics: results, replicates, xDim, numSimulations: S, failedSimulations: S - ok.length, level };
}
