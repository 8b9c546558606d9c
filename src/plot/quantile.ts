/**
 * Robust axis ranges for sample clouds: a central quantile interval of the pooled values, padded,
 * so that a few outliers (e.g. from ABC) do not squash the bulk of a plot.
 */
import { quantileSorted } from '../quantile.js';

export { quantileSorted };

/**
 * [q_lo, q_hi] of the finite values (tails `tail` each side, default 0.5%), widened to include
 * the `extra` values (e.g. true parameters) and padded by `pad` of the span on both sides.
 */
export function robustRange(values: number[], extra: number[] = [], tail = 0.005, pad = 0.08): [number, number] {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  let lo = s.length ? quantileSorted(s, tail) : Infinity;
  let hi = s.length ? quantileSorted(s, 1 - tail) : -Infinity;
  for (const v of extra) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(lo <= hi)) return [0, 1];
  const span = hi - lo || Math.max(Math.abs(lo), 1) * 0.1;
  return [lo - pad * span, hi + pad * span];
}
