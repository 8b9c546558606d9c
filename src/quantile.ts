/**
 * The sample quantile used everywhere in the library (summaries, diagnostics, tables, plots): linear
 * interpolation between order statistics, R's type 7 and NumPy's default.
 */

/**
 * Quantile p of the first m values of `sorted` (ascending): with h = (m - 1) p and lo = floor(h),
 * sorted[lo] + (h - lo)(sorted[lo + 1] - sorted[lo]). NaN for m = 0. An exact order statistic is
 * returned as it is (no 0 * Infinity when a neighbour is infinite).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number, m: number = sorted.length): number {
  if (m === 0) return NaN;
  const h = (m - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  return frac === 0 || lo + 1 >= m ? sorted[lo] : sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}
