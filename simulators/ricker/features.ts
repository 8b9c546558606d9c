/**
 * What the Ricker posterior conditions on. Three choices:
 * - 'summaries': the observation-independent summary statistics of `rickerSummaries.ts`, each
 *   passed through asinh (linear near 0, logarithmic beyond): autocovariances and variances of
 *   counts span four orders of magnitude across the prior, and z-scoring alone leaves outliers
 *   45 standard deviations out, which the networks learn poorly;
 * - 'raw': the series itself, log1p-transformed (counts span orders of magnitude), for a learned
 *   embedding (a 1-D convolutional network);
 * - 'both': summaries followed by the transformed series, each block with its own embedding.
 */
import { rickerSummaries, RICKER_SUMMARY_COUNT } from './summaries.js';

export type RickerFeatureMode = 'summaries' | 'raw' | 'both';
export const RICKER_FEATURE_MODES: readonly RickerFeatureMode[] = ['summaries', 'raw', 'both'];

export interface RickerFeatures {
  /** Row-major [n, width]. */
  values: Float64Array;
  width: number;
  /** Columns of summaries (first) and of the transformed series (after them). */
  summaryWidth: number;
  rawWidth: number;
}

/** Features of n series of length T (row-major counts). */
export function rickerFeatures(ys: Float64Array, n: number, T: number, mode: RickerFeatureMode): RickerFeatures {
  if (ys.length !== n * T) throw new Error(`rickerFeatures: expected ${n} series of length ${T} (${n * T} values); received ${ys.length}`);
  const summaryWidth = mode === 'raw' ? 0 : RICKER_SUMMARY_COUNT;
  const rawWidth = mode === 'summaries' ? 0 : T;
  const width = summaryWidth + rawWidth;
  const values = new Float64Array(n * width);
  const summaries = summaryWidth > 0 ? rickerSummaries(ys, n, T) : null;
  for (let i = 0; i < n; i++) {
    const row = i * width;
    for (let j = 0; j < summaryWidth; j++) values[row + j] = Math.asinh(summaries![i * summaryWidth + j]);
    for (let t = 0; t < rawWidth; t++) values[row + summaryWidth + t] = Math.log1p(ys[i * T + t]);
  }
  return { values, width, summaryWidth, rawWidth };
}
