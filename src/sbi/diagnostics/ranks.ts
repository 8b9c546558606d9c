/**
 * The counts behind SBC and expected coverage: for each pair (θ_i, x_i) drawn from the prior
 * predictive, L draws from q(θ | x_i), compared with θ_i per parameter (how many draws lie below
 * it) and, optionally, by density (how many draws have a higher log q than θ_i). Observations go
 * to the posterior in chunks (many observations per `sample` call); only counts come back.
 */
import * as tf from '@tensorflow/tfjs';
import { toRandom, type SeedLike } from '../../random.js';
import { tidy } from '../../util/tidy.js';
import { readRows, rowsTensor, type CheckedRows, type RowsInput } from '../../rows.js';
import { observationsForDraws, type AmortizedPosterior } from '../npe/types.js';

/** Options shared by {@link sbc} and {@link expectedCoverage}. */
export interface PosteriorDrawOptions {
  /** Posterior draws L per observation. */
  numPosteriorSamples?: number;
  /**
   * Observations per posterior call (default: about 20 000 draws per call, i.e.
   * floor(20000 / L), at least 1). Results depend on it through the seeds of the calls.
   */
  batchSize?: number;
  seed?: SeedLike;
}

/** Per (i, j) and per i counts of the L draws (row-major Int32Arrays). */
export interface RankCounts {
  /** Number of pairs N. */
  n: number;
  /** Parameter dimension d. */
  dim: number;
  /** Draws per observation L. */
  numPosteriorSamples: number;
  /** [N, d]: #{l : θ_ilj < θ_ij}. */
  below: Int32Array;
  /** [N, d]: #{l : θ_ilj = θ_ij} (float32 ties). */
  equal: Int32Array;
  /** [N]: #{l : log q(θ_il | x_i) > log q(θ_i | x_i)} (with `density`). */
  higherDensity?: Int32Array;
  /** [N]: #{l : log q(θ_il | x_i) = log q(θ_i | x_i)} (with `density`). */
  equalDensity?: Int32Array;
  /** Pairs whose log q(θ_i | x_i) was NaN (all draws then count as of higher density). */
  nanLogProbs: number;
}

/** Default L when none is given: 99, so that the L + 1 = 100 possible ranks split into equal bins. */
export const DEFAULT_POSTERIOR_SAMPLES = 99;

/** Throw, naming the first row and column, when a matrix holds NaN or Infinity. */
function requireFinite(where: string, name: string, m: CheckedRows): void {
  const i = m.values.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) {
    throw new Error(`${where}: ${name} must be finite; received ${m.values[i]} in row ${Math.floor(i / m.width)}, column ${i % m.width}`);
  }
}

/**
 * Count, for N pairs (θ_i, x_i), where θ_i falls among L posterior draws for x_i: below/equal per
 * parameter, and above/equal in density when `density` is set (one `logProb` over the N·L draws
 * paired with their observation, one over the N true parameters).
 */
export function posteriorRankCounts(
  where: string,
  posterior: AmortizedPosterior,
  thetas: RowsInput,
  xs: RowsInput,
  options: PosteriorDrawOptions & { density?: boolean },
): RankCounts {
  const theta = readRows(where, 'thetas', thetas);
  const x = readRows(where, 'xs', xs);
  if (theta.rows !== x.rows) throw new Error(`${where}: thetas and xs must have the same number of rows; received ${theta.rows} and ${x.rows}`);
  // A NaN true parameter would compare false with every draw and get rank 0 silently.
  requireFinite(where, 'thetas', theta);
  requireFinite(where, 'xs', x);
  const L = options.numPosteriorSamples ?? DEFAULT_POSTERIOR_SAMPLES;
  if (!(Number.isInteger(L) && L >= 1)) throw new Error(`${where}: numPosteriorSamples must be a positive integer; received ${L}`);
  const chunk = options.batchSize ?? Math.max(1, Math.floor(20_000 / L));
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw new Error(`${where}: batchSize must be a positive integer; received ${chunk}`);
  const random = toRandom(options.seed);
  const N = theta.rows;
  const d = theta.width;
  const below = new Int32Array(N * d);
  const equal = new Int32Array(N * d);
  const higher = options.density ? new Int32Array(N) : undefined;
  const equalDensity = options.density ? new Int32Array(N) : undefined;
  let nanLogProbs = 0;
  for (let start = 0; start < N; start += chunk) {
    const c = Math.min(chunk, N - start);
    const { draws, logProbDraws, logProbTrue } = tidy(() => {
      const xc = rowsTensor(x, start, c);
      const seed = random.nextSeed();
      const s = posterior.sample(xc, L, seed);
      if (s.rank !== 3 || s.shape[0] !== c || s.shape[1] !== L || s.shape[2] !== d) {
        throw new Error(`${where}: posterior.sample(xo [${c}, ${x.width}], ${L}) must return [${c}, ${L}, ${d}]; received [${s.shape.join(', ')}]`);
      }
      if (!options.density) return { draws: s.dataSync(), logProbDraws: undefined, logProbTrue: undefined };
      const flat = tf.reshape(s, [c * L, d]) as tf.Tensor2D;
      // Seeds for a noisy density (an estimate, as `ImportanceSampledPosterior`'s), derived from
      // the chunk's seed rather than drawn from `random`, so that deterministic posteriors see the
      // same stream as before; the true parameters' estimate gets noise independent of the draws'.
      const lpDraws = posterior.logProb(flat, observationsForDraws(posterior, xc, L), `${seed}:draws`);
      const lpTrue = posterior.logProb(rowsTensor(theta, start, c), xc, `${seed}:true`);
      if (lpDraws.size !== c * L || lpTrue.size !== c) {
        throw new Error(`${where}: posterior.logProb must return one value per row; received ${lpDraws.size} for ${c * L} rows and ${lpTrue.size} for ${c}`);
      }
      return { draws: s.dataSync(), logProbDraws: lpDraws.dataSync(), logProbTrue: lpTrue.dataSync() };
    });
    for (let i = 0; i < c; i++) {
      const row = start + i;
      for (let j = 0; j < d; j++) {
        // Compare in float32, as the posterior computes: θ_i rounded the same way as the draws.
        const t = Math.fround(theta.values[row * d + j]);
        let lo = 0;
        let eq = 0;
        for (let l = 0; l < L; l++) {
          const v = draws[(i * L + l) * d + j];
          if (v < t) lo++;
          else if (v === t) eq++;
        }
        below[row * d + j] = lo;
        equal[row * d + j] = eq;
      }
      if (higher && equalDensity && logProbDraws && logProbTrue) {
        const t = logProbTrue[i];
        if (Number.isNaN(t)) {
          nanLogProbs++;
          higher[row] = L;
          continue;
        }
        let hi = 0;
        let eq = 0;
        for (let l = 0; l < L; l++) {
          const v = logProbDraws[i * L + l];
          if (v > t || Number.isNaN(v)) hi++;
          else if (v === t) eq++;
        }
        higher[row] = hi;
        equalDensity[row] = eq;
      }
    }
  }
  return { n: N, dim: d, numPosteriorSamples: L, below, equal, higherDensity: higher, equalDensity, nanLogProbs };
}
