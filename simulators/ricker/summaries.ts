/**
 * The Ricker model's summary statistics: the core's time-series summaries
 * (`src/sbi/features/seriesSummaries.ts`, after Wood 2010) with their defaults: mean, zeros,
 * autocovariances at lags 0..5, the autoregression of y^0.3, and moments and quantiles 0.1, 0.25,
 * 0.5, 0.75, 0.9 of the first differences (18 numbers per series).
 */
import { seriesSummaries, seriesSummaryNames } from '../../src/sbi/features/seriesSummaries.js';
import { rowCount } from '../../src/rows.js';

export const RICKER_SUMMARY_NAMES = seriesSummaryNames() as readonly string[];
export const RICKER_SUMMARY_COUNT = RICKER_SUMMARY_NAMES.length;

/** The {@link RICKER_SUMMARY_COUNT} summaries of one series (a new Float64Array). */
export function rickerSummary(y: ArrayLike<number>): Float64Array {
  const T = y.length;
  if (T < 1) throw new Error(`rickerSummary: expected a series of length >= 1; received length ${T}`);
  return seriesSummaries(y instanceof Float64Array ? y : Float64Array.from(y), 1, T);
}

/** Summaries of n series of length T (xs row-major n x T) as an n x RICKER_SUMMARY_COUNT array. */
export function rickerSummaries(xs: Float64Array, n: number, T: number): Float64Array {
  if (!(Number.isInteger(T) && T >= 1)) throw new Error(`rickerSummaries: T must be a positive integer; received ${T}`);
  rowCount('rickerSummaries', xs, T, n);
  return seriesSummaries(xs, n, T);
}
