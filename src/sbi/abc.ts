/**
 * Rejection ABC (Pritchard et al. 1999; Beaumont et al. 2002 without regression adjustment):
 * keep the parameters of the k simulations whose summaries are nearest to the observed ones.
 * Distance: Euclidean after dividing each summary by a robust scale of the simulated summaries
 * (the median absolute deviation times 1.4826, or the standard deviation when the MAD is 0).
 * The classic baseline that neural posterior estimation is compared with; it reuses the same
 * simulations, so the comparison is at equal simulation budget.
 */

import { readRowsOrFlat, type RowsInput } from '../rows.js';

export interface RejectionABCOptions {
  /** Parameters, one row per simulation: rows, `{ values, width }`, a tensor, or flat with `thetaDim`. */
  thetas: RowsInput | ArrayLike<number>;
  thetaDim?: number;
  /** Summary statistics of the same simulations: as thetas (flat with `summaryDim`). */
  summaries: RowsInput | ArrayLike<number>;
  summaryDim?: number;
  /** Observed summaries (summaryDim values). */
  observed: ArrayLike<number>;
  /** Number of accepted simulations (default 200); or use `quantile`. */
  k?: number;
  /** Fraction of simulations accepted instead of k (e.g. 0.01). */
  quantile?: number;
}

export interface RejectionABCResult {
  /** Accepted parameters, flat row-major [k, thetaDim], nearest first. */
  samples: Float64Array;
  k: number;
  /** Distances of the accepted simulations (ascending); the last is the tolerance epsilon. */
  distances: Float64Array;
  epsilon: number;
  /** Row indices of the accepted simulations. */
  indices: Int32Array;
  /** Per-summary scales used for the distance. */
  scales: Float64Array;
}

function robustScales(values: ArrayLike<number>, n: number, dim: number): Float64Array {
  const scales = new Float64Array(dim);
  const column = new Float64Array(n);
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i < n; i++) column[i] = values[i * dim + j];
    const sorted = Float64Array.from(column).sort();
    const median = sorted[n >> 1];
    const deviations = sorted.map((v) => Math.abs(v - median)).sort();
    let scale = 1.4826 * deviations[n >> 1];
    if (!(scale > 0)) {
      let mean = 0;
      for (const v of column) mean += v / n;
      let variance = 0;
      for (const v of column) variance += (v - mean) ** 2 / Math.max(1, n - 1);
      scale = Math.sqrt(variance);
    }
    scales[j] = scale > 0 ? scale : 1;
  }
  return scales;
}

/**
 * Rejection ABC: the k simulations nearest to the observed summaries (robustly scaled Euclidean
 * distance) and their parameters, nearest first. See the file comment.
 */
export function rejectionABC(options: RejectionABCOptions): RejectionABCResult {
  const where = 'rejectionABC';
  const { observed } = options;
  const s = readRowsOrFlat(where, 'summaries', 'summaryDim', options.summaries, options.summaryDim, { allowEmpty: true });
  const t = readRowsOrFlat(where, 'thetas', 'thetaDim', options.thetas, options.thetaDim, { allowEmpty: true });
  const { values: summaries, width: summaryDim, rows: n } = s;
  const { values: thetas, width: thetaDim } = t;
  if (n < 1) throw new Error(`${where}: summaries must hold at least one row; received none`);
  if (t.rows !== n) throw new Error(`${where}: thetas must have ${n} rows of ${thetaDim} (one per simulation); received ${t.rows}`);
  if (observed.length !== summaryDim) throw new Error(`${where}: observed must have ${summaryDim} summaries; received ${observed.length}`);
  if (Array.from(observed).some((v) => !Number.isFinite(v))) throw new Error(`${where}: observed summaries must be finite`);
  const k = options.quantile !== undefined ? Math.max(1, Math.round(options.quantile * n)) : (options.k ?? 200);
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new Error(`${where}: k must be an integer in [1, ${n}]; received ${k}`);

  const scales = robustScales(summaries, n, summaryDim);
  const distance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d2 = 0;
    for (let j = 0; j < summaryDim; j++) d2 += ((summaries[i * summaryDim + j] - observed[j]) / scales[j]) ** 2;
    distance[i] = Number.isFinite(d2) ? Math.sqrt(d2) : Infinity;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => distance[a] - distance[b]);
  const indices = order.slice(0, k);
  const samples = new Float64Array(k * thetaDim);
  indices.forEach((row, r) => {
    for (let j = 0; j < thetaDim; j++) samples[r * thetaDim + j] = thetas[row * thetaDim + j];
  });
  const distances = Float64Array.from(indices, (i) => distance[i]);
  return { samples, k, distances, epsilon: distances[k - 1], indices, scales };
}
