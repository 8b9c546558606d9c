/**
 * The highest-density region (HPD region) of a posterior for one observation, and the prior
 * truncated to it: the proposal of truncated sequential NPE (Deistler, Gonçalves & Macke 2022,
 * "Truncated proposals for scalable and hassle-free simulation-based inference"; sbi's
 * `get_density_thresholder` and `RestrictedPrior(sample_with="rejection")`).
 */
import * as tf from '@tensorflow/tfjs';
import { toRandom, type SeedLike } from '../../random.js';
import { rowCount } from '../../rows.js';
import { checkDrawCount, type Prior, type PriorBounds } from '../simulation/prior.js';
import type { AmortizedPosterior } from './types.js';

/** What {@link hpdThreshold} and {@link TruncatedPrior} need of a posterior: its log density. */
export type PosteriorDensity = Pick<AmortizedPosterior, 'sample' | 'logProb'>;

export interface HpdThresholdOptions {
  /**
   * The probability mass left outside the region, epsilon (default 1e-4, sbi's `quantile`): the
   * region is {theta : log q(theta | x_o) >= threshold} with threshold the epsilon-quantile of
   * log q over posterior draws, so it holds a fraction 1 - epsilon of the posterior's mass.
   */
  quantile?: number;
  /** Posterior draws that estimate the quantile (default 10 000, sbi's `num_samples_to_estimate_support`). */
  samples?: number;
  seed?: SeedLike;
}

/**
 * The log-density threshold of the (1 - epsilon) highest-density region of q(theta | x_o): draw
 * `samples` values from q for the single observation x_o ([1, xDim]), take their log densities,
 * and return the one of rank floor(epsilon * samples) in increasing order (sbi's
 * `get_density_thresholder`). With the defaults (1e-4 of 10 000) that is the smallest log density
 * of the draws but one, so the region is about as wide as the posterior's draws reach.
 */
export function hpdThreshold(posterior: PosteriorDensity, xo: tf.Tensor2D, options: HpdThresholdOptions = {}): number {
  const where = 'hpdThreshold';
  const quantile = options.quantile ?? 1e-4;
  const samples = options.samples ?? 10_000;
  if (!(quantile >= 0 && quantile < 1)) throw new Error(`${where}: quantile must be in [0, 1); received ${quantile}`);
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`${where}: samples must be a positive integer; received ${samples}`);
  if (xo.rank !== 2 || xo.shape[0] !== 1) throw new Error(`${where}: xo must be a single observation of shape [1, xDim]; received [${xo.shape.join(', ')}]`);
  const logProbs = tf.tidy(() => {
    const draws = posterior.sample(xo, samples, options.seed);
    const flat = tf.reshape(draws, [samples, draws.shape[2]]) as tf.Tensor2D;
    return posterior.logProb(flat, xo).dataSync();
  });
  const finite = Float64Array.from(logProbs).filter(Number.isFinite).sort();
  if (finite.length === 0) throw new Error(`${where}: every one of the ${samples} posterior draws has a non-finite log density`);
  return finite[Math.min(finite.length - 1, Math.floor(quantile * finite.length))];
}

export interface TruncatedPriorOptions {
  /** Threshold on log q(theta | x_o) (from {@link hpdThreshold}). */
  threshold: number;
  /** Prior draws proposed per batch of density evaluations (default 10 000). */
  batch?: number;
  /**
   * Sampling stops with an error once more than (n / minAcceptanceRate + batch) draws have been
   * proposed for n accepted ones (default 1e-3): the region is then too small a part of the
   * prior for rejection sampling, usually because the posterior is very narrow or misplaced.
   */
  minAcceptanceRate?: number;
}

/** The outcome of {@link TruncatedPrior.sampleWithStats}. */
export interface TruncatedSample {
  /** Accepted draws, row-major n x dim. */
  thetas: Float64Array;
  /** Prior draws proposed (and scored by the posterior). */
  proposed: number;
  /** Accepted fraction of the proposals: an estimate of the prior mass of the region. */
  acceptanceRate: number;
}

/**
 * The prior truncated to the HPD region of a posterior for one observation:
 * p_T(theta) ∝ p(theta) 1[log q(theta | x_o) >= threshold] (sbi's `RestrictedPrior` with
 * rejection sampling). Draws are prior draws in batches, kept where the posterior's log density
 * reaches the threshold, in the order they were drawn (seeded: same seed, same draws). Since
 * the support is the prior's intersected with the region, every draw lies in the prior support.
 * `logProb` is the prior's log density inside the region and -Infinity outside: it omits the
 * normalising constant -log(prior mass of the region), which only the acceptance rate estimates
 * (`lastAcceptanceRate`). The posterior must outlive this object; it is not disposed here.
 */
export class TruncatedPrior implements Prior {
  readonly dim: number;
  readonly bounds?: PriorBounds;
  readonly threshold: number;
  /** The acceptance rate of the last `sample` call (NaN before the first). */
  lastAcceptanceRate = NaN;
  private readonly batch: number;
  private readonly minAcceptanceRate: number;

  constructor(
    readonly prior: Prior,
    readonly posterior: PosteriorDensity,
    readonly xo: tf.Tensor2D,
    options: TruncatedPriorOptions,
  ) {
    const where = 'TruncatedPrior';
    if (!Number.isFinite(options.threshold)) throw new Error(`${where}: threshold must be a finite log density; received ${options.threshold}`);
    const batch = options.batch ?? 10_000;
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`${where}: batch must be a positive integer; received ${batch}`);
    const minAcceptanceRate = options.minAcceptanceRate ?? 1e-3;
    if (!(minAcceptanceRate > 0 && minAcceptanceRate <= 1)) throw new Error(`${where}: minAcceptanceRate must be in (0, 1]; received ${minAcceptanceRate}`);
    if (xo.rank !== 2 || xo.shape[0] !== 1) throw new Error(`${where}: xo must be a single observation of shape [1, xDim]; received [${xo.shape.join(', ')}]`);
    this.dim = prior.dim;
    this.bounds = prior.bounds;
    this.threshold = options.threshold;
    this.batch = batch;
    this.minAcceptanceRate = minAcceptanceRate;
  }

  /** log p(theta) inside the region, -Infinity outside (unnormalised: see the class comment). */
  logProb(thetas: Float64Array, n?: number): Float64Array {
    const rows = rowCount('TruncatedPrior.logProb', thetas, this.dim, n);
    const lp = this.prior.logProb(thetas, rows);
    const inside = this.regionLogProb(thetas, rows);
    return lp.map((v, i) => (inside[i] >= this.threshold ? v : -Infinity));
  }

  /** 1 where a row (row-major n x dim) lies in the region, log q(theta | x_o) >= threshold, else 0. */
  contains(thetas: Float64Array, n?: number): Uint8Array {
    const rows = rowCount('TruncatedPrior.contains', thetas, this.dim, n);
    const inside = new Uint8Array(rows);
    // In batches: one density evaluation of every earlier simulation would hold them all as tensors at once.
    for (let start = 0; start < rows; start += this.batch) {
      const end = Math.min(rows, start + this.batch);
      const lp = this.regionLogProb(thetas.subarray(start * this.dim, end * this.dim), end - start);
      for (let i = 0; i < lp.length; i++) inside[start + i] = lp[i] >= this.threshold ? 1 : 0;
    }
    return inside;
  }

  /** n draws, row-major n x dim. */
  sample(n: number, seed?: SeedLike): Float64Array {
    return this.sampleWithStats(n, seed).thetas;
  }

  /** n draws with the number of proposals behind them and the acceptance rate. */
  sampleWithStats(n: number, seed?: SeedLike): TruncatedSample {
    const where = 'TruncatedPrior.sample';
    checkDrawCount(where, n);
    const random = toRandom(seed);
    const d = this.dim;
    const out = new Float64Array(n * d);
    const maxProposals = Math.ceil(n / this.minAcceptanceRate) + this.batch;
    let accepted = 0;
    let proposed = 0;
    let hits = 0; // draws inside the region, counted over whole batches for the acceptance rate
    while (accepted < n) {
      if (proposed >= maxProposals) {
        throw new Error(
          `${where}: only ${accepted} of ${n} draws accepted from ${proposed} prior proposals (acceptance rate ${(accepted / proposed).toExponential(2)}, below minAcceptanceRate ${this.minAcceptanceRate}): ` +
            'the HPD region is too small a part of the prior for rejection sampling; lower minAcceptanceRate, raise the quantile, or use fewer rounds',
        );
      }
      const candidates = this.prior.sample(this.batch, random.fork());
      const lp = this.regionLogProb(candidates, this.batch);
      proposed += this.batch;
      for (let i = 0; i < this.batch; i++) {
        if (!(lp[i] >= this.threshold)) continue;
        hits++;
        if (accepted < n) out.set(candidates.subarray(i * d, (i + 1) * d), d * accepted++);
      }
    }
    const acceptanceRate = proposed > 0 ? hits / proposed : NaN;
    this.lastAcceptanceRate = acceptanceRate;
    return { thetas: out, proposed, acceptanceRate };
  }

  /** log q(theta | x_o) of each row (-Infinity where it is not finite). */
  private regionLogProb(thetas: Float64Array, rows: number): Float64Array {
    if (rows === 0) return new Float64Array(0);
    const values = tf.tidy(() => this.posterior.logProb(tf.tensor2d(Float32Array.from(thetas), [rows, this.dim]), this.xo).dataSync());
    return Float64Array.from(values, (v) => (Number.isNaN(v) ? -Infinity : v));
  }
}
