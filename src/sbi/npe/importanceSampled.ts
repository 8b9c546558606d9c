/**
 * A neural posterior corrected by importance sampling against the likelihood: sampling-importance-
 * resampling (SIR) with the neural posterior as the proposal, as sbi's `ImportanceSamplingPosterior`
 * (method "sir") and the neural importance sampling of Dax et al. 2023 ("Neural importance sampling
 * for rapid and reliable gravitational-wave inference", PRL 130). For one observation x:
 *
 *   theta_i ~ q(theta | x),  i = 1..M,     log w_i = log p_hat(x | theta_i) + log p(theta_i) - log q(theta_i | x),
 *
 * and n draws are resampled from the theta_i with probabilities proportional to w_i (systematic
 * resampling, then shuffled). As M grows the draws follow the exact posterior p(theta | x), whatever
 * q's errors, provided q covers it (is not narrower than it anywhere): importance sampling cannot
 * add mass where q has none. The effective sample size ESS = (sum w)^2 / sum w^2 says how well q
 * covered it (about M when q is exact); it is recorded per observation (`lastDiagnostics`).
 *
 * p_hat may be an unbiased estimate of the likelihood rather than the likelihood itself (a particle
 * filter's, `stateSpaceLogLikelihood` in src/sbi/mcmc/particleFilter.ts): the weights are then
 * random but unbiased, and SIR still targets the exact posterior (random-weight importance
 * sampling; the same argument as pseudo-marginal MCMC), at the price of a smaller ESS.
 *
 * This needs a likelihood, which a simulator alone does not give: it is for models that have one
 * (state-space models through a particle filter, as the Ricker model). Unlike the neural posterior
 * it is not amortized: every observation costs M likelihood evaluations.
 */
import * as tf from '@tensorflow/tfjs';
import { toRandom, type Random, type SeedLike } from '../../random.js';
import { tidy } from '../../util/tidy.js';
import { readRowsOrFlat, type RowsInput } from '../../rows.js';
import { assertPositiveInt } from '../../validation.js';
import { importanceWeightSummary } from '../../numerics.js';
import type { Prior } from '../simulation/prior.js';
import type { AmortizedPosterior, NeuralPosterior, ObservationsInput, ParametersInput } from './types.js';

/**
 * log p_hat(x | theta) for one observation x and each of the n rows of `thetas` (row-major n x
 * thetaDim): exact, or an unbiased estimate of the likelihood on the log scale (-Infinity where it
 * is 0). Same seed, same result.
 */
export type LogLikelihood = (observation: Float64Array, thetas: Float64Array, seed: number) => Float64Array;

/** What the proposal must offer: a trained neural posterior has it all. */
export type ImportanceProposal = Pick<NeuralPosterior, 'sample' | 'logProb' | 'thetaDim' | 'xDim'>;

export interface ImportanceSampledOptions {
  /** The proposal q(theta | x): a trained neural posterior. */
  proposal: ImportanceProposal;
  logLikelihood: LogLikelihood;
  /** The prior the proposal was trained under (its `logProb`: -Infinity outside the support). */
  prior: Pick<Prior, 'logProb'>;
  /** Proposals M per observation (default {@link IMPORTANCE_PROPOSALS}). */
  proposals?: number;
}

/** Default proposals per observation. */
export const IMPORTANCE_PROPOSALS = 4000;

/** The likelihood estimate's seed in `logProb` when none is given. */
export const IMPORTANCE_LOG_PROB_SEED = 0;

/** What one observation's importance sampling gave. */
export interface ImportanceDiagnostics {
  proposals: number;
  /** Effective sample size of the weights, (sum w)^2 / sum w^2, in [1, proposals] (0 when every weight is 0). */
  ess: number;
  /** log of the mean weight: an estimate of the log evidence log p(x) (-Infinity when every weight is 0). */
  logEvidence: number;
}

/** Weighted proposals for one observation. */
export interface ImportanceWeights extends ImportanceDiagnostics {
  /** The proposals, row-major M x thetaDim. */
  thetas: Float64Array;
  logWeights: Float64Array;
}

/** sbi's `ImportanceSamplingPosterior` (SIR): see the file comment. */
export class ImportanceSampledPosterior implements AmortizedPosterior {
  readonly proposal: ImportanceProposal;
  readonly proposals: number;
  readonly thetaDim: number;
  readonly xDim: number;
  /** One entry per observation of the last `sample` call. */
  lastDiagnostics: ImportanceDiagnostics[] = [];
  private readonly logLikelihood: LogLikelihood;
  private readonly prior: Pick<Prior, 'logProb'>;

  constructor(options: ImportanceSampledOptions) {
    this.proposal = options.proposal;
    this.logLikelihood = options.logLikelihood;
    this.prior = options.prior;
    this.proposals = options.proposals ?? IMPORTANCE_PROPOSALS;
    assertPositiveInt('ImportanceSampledPosterior', 'proposals', this.proposals);
    this.thetaDim = options.proposal.thetaDim;
    this.xDim = options.proposal.xDim;
  }

  /** M proposals from q for one observation (xDim numbers) and their log weights. */
  weigh(observation: ArrayLike<number>, seed?: SeedLike): ImportanceWeights {
    const where = 'ImportanceSampledPosterior.weigh';
    if (observation.length !== this.xDim) throw new Error(`${where}: observation must have xDim = ${this.xDim} numbers; received ${observation.length}`);
    const random = toRandom(seed);
    const x = Float64Array.from(observation);
    const M = this.proposals;
    const { thetas, logQ } = tidy(() => {
      const draws = this.proposal.sample([x], M, random.nextSeed());
      const flat = tf.reshape(draws, [M, this.thetaDim]) as tf.Tensor2D;
      return { thetas: Float64Array.from(flat.dataSync()), logQ: this.proposal.logProb(flat, [x]).dataSync() };
    });
    const logLik = this.logLikelihood(x, thetas, random.nextSeed());
    const logPrior = this.prior.logProb(thetas, M);
    if (logLik.length !== M) throw new Error(`${where}: logLikelihood must return one value per theta row (${M}); received ${logLik.length}`);
    const logWeights = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      const v = logLik[i] + logPrior[i] - logQ[i];
      // NaN (e.g. -Infinity - -Infinity) counts as a zero weight; +Infinity cannot be normalised.
      if (v === Infinity) throw new Error(`${where}: weight +Infinity at proposal ${i} (log likelihood ${logLik[i]}, log prior ${logPrior[i]}, log q ${logQ[i]})`);
      logWeights[i] = v === v ? v : -Infinity;
    }
    const { ess, logMeanWeight } = importanceWeightSummary(logWeights);
    return { thetas, logWeights, proposals: M, ess, logEvidence: logMeanWeight };
  }

  /** n draws per observation: [b, n, thetaDim]; `lastDiagnostics` gets one entry per observation. */
  sample(xo: ObservationsInput, n: number, seed?: SeedLike): tf.Tensor3D {
    const where = 'ImportanceSampledPosterior.sample';
    assertPositiveInt(where, 'n', n);
    const x = readRowsOrFlat(where, 'xo', 'xDim', xo as RowsInput, this.xDim);
    const random = toRandom(seed);
    const d = this.thetaDim;
    const out = new Float32Array(x.rows * n * d);
    this.lastDiagnostics = [];
    for (let r = 0; r < x.rows; r++) {
      const w = this.weigh(x.values.subarray(r * this.xDim, (r + 1) * this.xDim), random.nextSeed());
      if (w.ess === 0) throw new Error(`${where}: every one of the ${w.proposals} proposals has weight 0 for observation ${r} (likelihood 0 or outside the prior)`);
      const picks = systematicResample(w.logWeights, n, random);
      for (let k = 0; k < n; k++) out.set(w.thetas.subarray(picks[k] * d, picks[k] * d + d), (r * n + k) * d);
      this.lastDiagnostics.push({ proposals: w.proposals, ess: w.ess, logEvidence: w.logEvidence });
    }
    return tf.tensor3d(out, [x.rows, n, d]);
  }

  /** `logProb` takes grouped observations (see `AmortizedPosterior`): one filter run per group. */
  readonly groupedLogProb = true;

  /**
   * An UNNORMALISED log posterior density, log p_hat(x | theta) + log p(theta): it differs from
   * log p(theta | x) by log p(x), the same for every theta of one observation, and is as noisy
   * as the likelihood estimate. Enough to rank parameters for one observation (HPD coverage:
   * `expectedCoverage`), not to compare observations. xo has one row, one per theta row, or b
   * rows for b groups of consecutive theta rows (`groupedLogProb`). Without a seed the filter
   * runs on a fixed one ({@link IMPORTANCE_LOG_PROB_SEED}), so that callers that pass none get
   * the same values on every run (the diagnostics pass seeds of their own, one per call).
   */
  logProb(theta: ParametersInput, xo: ObservationsInput, seed?: SeedLike): tf.Tensor1D {
    const where = 'ImportanceSampledPosterior.logProb';
    const t = readRowsOrFlat(where, 'theta', 'thetaDim', theta as RowsInput, this.thetaDim);
    const x = readRowsOrFlat(where, 'xo', 'xDim', xo as RowsInput, this.xDim);
    if (t.rows % x.rows !== 0) throw new Error(`${where}: xo must have a number of rows that divides the theta rows (${t.rows}); received ${x.rows}`);
    const group = t.rows / x.rows;
    const random = toRandom(seed ?? IMPORTANCE_LOG_PROB_SEED);
    const d = this.thetaDim;
    const prior = this.prior.logProb(t.values, t.rows);
    const out = new Float32Array(t.rows);
    for (let g = 0; g < x.rows; g++) {
      const lik = this.logLikelihood(x.values.subarray(g * this.xDim, (g + 1) * this.xDim), t.values.subarray(g * group * d, (g + 1) * group * d), random.nextSeed());
      for (let i = 0; i < group; i++) out[g * group + i] = lik[i] + prior[g * group + i];
    }
    return tf.tensor1d(out);
  }
}

/**
 * n indices drawn with probabilities proportional to exp(logWeights) by systematic resampling
 * (one uniform, n evenly spaced points on the cumulative weights: each index appears
 * floor(n w_i) or ceil(n w_i) times), returned in a random order so that any subset of the draws
 * is a fair sample.
 */
export function systematicResample(logWeights: Float64Array, n: number, random: Random): Int32Array {
  const M = logWeights.length;
  let m = -Infinity;
  for (const v of logWeights) if (v > m) m = v;
  const w = new Float64Array(M);
  let s = 0;
  let last = 0; // the last index of positive weight: float rounding must not carry a pick past it
  for (let i = 0; i < M; i++) {
    s += w[i] = Math.exp(logWeights[i] - m);
    if (w[i] > 0) last = i;
  }
  const step = s / n;
  const picks = new Int32Array(n);
  let u = random.uniform() * step;
  let j = 0;
  let c = w[0];
  for (let k = 0; k < n; k++) {
    while (u >= c && j < last) c += w[++j];
    picks[k] = j;
    u += step;
  }
  const order = random.permutation(n);
  return Int32Array.from(order, (k) => picks[k]);
}
