/**
 * The draws of a run of {@link metropolis}, {@link hmc} or {@link nuts} with what is needed to
 * judge them: per-chain acceptance, divergences and adapted tuning, and per-coordinate split
 * R-hat and bulk/tail ESS from the library's diagnostics (`sbi/mcmc/mcmcDiagnostics.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import { drawColumn, summarizeDraws, type DrawSummary } from '../sbi/mcmc/mcmcDiagnostics.js';
import { meanSdWithMcse, type MeanSdEstimate } from './mcse.js';

/** What a sampler run produced besides the draws. */
export interface McmcStats {
  /** Mean acceptance statistic of the sampling iterations, per chain. */
  acceptance: number[];
  /** Divergent transitions during sampling, per chain (always 0 for Metropolis). */
  divergences: number[];
  /** Adapted step size (HMC, NUTS) or proposal scale (Metropolis), per chain. */
  stepSize: number[];
  /** Adapted diagonal inverse metric (or proposal variances), per chain. */
  inverseMass: Float64Array[];
  /** Log density evaluations each chain asked for, warm-up included (with gradients for HMC/NUTS). */
  evaluations: number[];
  /**
   * Batched density calls (each evaluates every chain): sum(evaluations) / (batchedCalls x chains)
   * is the share of rows that did useful work (below 1 for NUTS, whose chains' trees differ).
   */
  batchedCalls: number;
  /** Mean NUTS tree depth during sampling, per chain (NaN for other samplers). */
  treeDepth: number[];
  /** Wall time of the whole run, warm-up included. */
  wallTimeMs: number;
}

/**
 * Draws `[chains, samples, dim]` (kept as one row-major Float64Array of shape [samples, dim] per
 * chain) with diagnostics. `summary()` is computed on first use and cached.
 */
export class McmcResult {
  private cachedSummary: DrawSummary[] | undefined;

  constructor(
    readonly sampler: string,
    readonly chainDraws: Float64Array[],
    readonly samples: number,
    readonly dim: number,
    readonly stats: McmcStats,
  ) {}

  /** Number of chains. */
  get chains(): number {
    return this.chainDraws.length;
  }

  /** The draws as a tensor `[chains, samples, dim]` (the caller disposes it). */
  draws(): tf.Tensor3D {
    const flat = new Float32Array(this.chains * this.samples * this.dim);
    this.chainDraws.forEach((c, k) => flat.set(c, k * this.samples * this.dim));
    return tf.tensor3d(flat, [this.chains, this.samples, this.dim]);
  }

  /** All chains' draws pooled, row-major [chains * samples, dim]. */
  pooled(): Float64Array {
    const out = new Float64Array(this.chains * this.samples * this.dim);
    this.chainDraws.forEach((c, k) => out.set(c, k * this.samples * this.dim));
    return out;
  }

  /** Coordinate j of every chain (one array per chain). */
  column(j: number): Float64Array[] {
    return this.chainDraws.map((c) => drawColumn(c, this.dim, j));
  }

  /** Per-coordinate mean, sd, quantiles, rank-normalised split R-hat, bulk and tail ESS. */
  summary(): DrawSummary[] {
    this.cachedSummary ??= summarizeDraws(this.chainDraws, this.dim);
    return this.cachedSummary;
  }

  /** Per-coordinate mean and sd with their Monte Carlo standard errors. */
  estimates(): MeanSdEstimate[] {
    return Array.from({ length: this.dim }, (_, j) => meanSdWithMcse(this.column(j)));
  }

  /** The largest R-hat over coordinates. */
  maxRhat(): number {
    return Math.max(...this.summary().map((s) => s.rhat));
  }

  /** The smallest bulk ESS over coordinates. */
  minEssBulk(): number {
    return Math.min(...this.summary().map((s) => s.essBulk));
  }

  /** The smallest tail ESS over coordinates. */
  minEssTail(): number {
    return Math.min(...this.summary().map((s) => s.essTail));
  }

  /** Sample covariance of the pooled draws, row-major [dim, dim]. */
  covariance(): Float64Array {
    const d = this.dim;
    const all = this.pooled();
    const n = all.length / d;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += all[i * d + j] / n;
    const cov = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        const da = all[i * d + a] - mean[a];
        for (let b = a; b < d; b++) cov[a * d + b] += da * (all[i * d + b] - mean[b]);
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        cov[a * d + b] /= n - 1;
        cov[b * d + a] = cov[a * d + b];
      }
    }
    return cov;
  }
}
