/**
 * Summary statistics of a Ricker count series y_1..y_T for amortized inference, adapted from
 * Wood (2010, Nature 466, Methods). None depends on observed data, so a posterior trained on them
 * stays amortized: Wood's cubic regression of the sorted differences on the OBSERVED sorted
 * differences is replaced by quantiles and moments of the differences.
 *
 * With ybar = (1/T) sum_t y_t and d_t = y_{t+1} - y_t (t = 1..T-1, m = T - 1 differences):
 *  - mean:          ybar
 *  - zeros:         #{t : y_t = 0}
 *  - acov0..acov5:  gamma_k = (1/T) sum_{t=1}^{T-k} (y_t - ybar)(y_{t+k} - ybar), k = 0..5
 *                   (gamma_0 is the variance; 0 when k >= T)
 *  - ar1, ar2:      least squares (no intercept) of y_t^0.3 = b1 y_{t-1}^0.3 + b2 y_{t-1}^0.6 + e_t,
 *                   t = 2..T: b = (X'X)^-1 X'z; when X'X is singular (det <= 1e-12 s11 s22: constant
 *                   series, whose regressors are collinear) the minimum-norm solution b = X'X^+ X'z,
 *                   and b = 0 for an all-zero series. Negative values count as 0 in the powers.
 *  - diffMean:      dbar = (1/m) sum_t d_t
 *  - diffVar:       m2 = (1/m) sum_t (d_t - dbar)^2
 *  - diffSkew:      m3 / m2^(3/2), m3 = (1/m) sum_t (d_t - dbar)^3 (0 when m2 = 0)
 *  - diffQ10..Q90:  quantiles 0.1, 0.25, 0.5, 0.75, 0.9 of d (linear interpolation between order
 *                   statistics, R's type 7: h = (m - 1) p, q = d_(floor h) + (h - floor h)(d_(floor h + 1) - d_(floor h)))
 * Series too short for a statistic (T < 2 for differences and the autoregression) give 0.
 * Finite for every finite input; a row containing NaN or Infinity (a failed simulation) gives NaN.
 * Scales differ widely (counts vs. their variance): standardise before training.
 */
import { rowCount } from '../../src/sbi/simulation/prior.js';

export const RICKER_SUMMARY_NAMES = [
  'mean', 'zeros',
  'acov0', 'acov1', 'acov2', 'acov3', 'acov4', 'acov5',
  'ar1', 'ar2',
  'diffMean', 'diffVar', 'diffSkew',
  'diffQ10', 'diffQ25', 'diffQ50', 'diffQ75', 'diffQ90',
] as const;
export const RICKER_SUMMARY_COUNT = RICKER_SUMMARY_NAMES.length;

const QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9];

/** Quantile p of the sorted values s[0..m) by linear interpolation (R's type 7). */
function quantileSorted(s: Float64Array, m: number, p: number): number {
  const h = (m - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, m - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/**
 * Summaries of y = xs[start .. start + T) into out[outStart .. outStart + RICKER_SUMMARY_COUNT).
 * `scratch` (length >= T) holds the sorted differences.
 */
function summarize(xs: Float64Array, start: number, T: number, out: Float64Array, o: number, scratch: Float64Array): void {
  let sum = 0;
  let zeros = 0;
  for (let t = 0; t < T; t++) {
    const v = xs[start + t];
    if (!Number.isFinite(v)) {
      out.fill(NaN, o, o + RICKER_SUMMARY_COUNT);
      return;
    }
    sum += v;
    if (v === 0) zeros++;
  }
  const mean = sum / T;
  out[o] = mean;
  out[o + 1] = zeros;
  for (let k = 0; k <= 5; k++) {
    let acc = 0;
    for (let t = 0; t + k < T; t++) acc += (xs[start + t] - mean) * (xs[start + t + k] - mean);
    out[o + 2 + k] = acc / T;
  }

  // Autoregression of y_t^0.3 on (y_{t-1}^0.3, y_{t-1}^0.6): 2 x 2 normal equations.
  let s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0;
  let prev = Math.pow(Math.max(xs[start], 0), 0.3);
  for (let t = 1; t < T; t++) {
    const z = Math.pow(Math.max(xs[start + t], 0), 0.3);
    const x1 = prev;
    const x2 = prev * prev;
    s11 += x1 * x1;
    s12 += x1 * x2;
    s22 += x2 * x2;
    r1 += x1 * z;
    r2 += x2 * z;
    prev = z;
  }
  const det = s11 * s22 - s12 * s12;
  if (det > 1e-12 * s11 * s22) {
    out[o + 8] = (s22 * r1 - s12 * r2) / det;
    out[o + 9] = (s11 * r2 - s12 * r1) / det;
  } else if (s11 + s22 > 0) {
    // Rank one (constant series): X'X = tr v v', v = (sqrt(s11), sqrt(s22)) / sqrt(tr), s12 >= 0;
    // the minimum-norm solution is b = v (v'r) / tr.
    const tr = s11 + s22;
    const v1 = Math.sqrt(s11 / tr);
    const v2 = Math.sqrt(s22 / tr);
    const proj = (v1 * r1 + v2 * r2) / tr;
    out[o + 8] = v1 * proj;
    out[o + 9] = v2 * proj;
  } else {
    out[o + 8] = 0;
    out[o + 9] = 0;
  }

  // First differences: moments and quantiles.
  const m = T - 1;
  if (m < 1) {
    out.fill(0, o + 10, o + RICKER_SUMMARY_COUNT);
    return;
  }
  let dsum = 0;
  for (let t = 0; t < m; t++) {
    const d = xs[start + t + 1] - xs[start + t];
    scratch[t] = d;
    dsum += d;
  }
  const dbar = dsum / m;
  let m2 = 0, m3 = 0;
  for (let t = 0; t < m; t++) {
    const e = scratch[t] - dbar;
    m2 += e * e;
    m3 += e * e * e;
  }
  m2 /= m;
  m3 /= m;
  out[o + 10] = dbar;
  out[o + 11] = m2;
  // Relative floor: rounding alone can leave m2 ~ 1e-32 dbar^2 for a constant series.
  out[o + 12] = m2 > 1e-24 * (dbar * dbar + 1) ? m3 / Math.pow(m2, 1.5) : 0;
  const sorted = scratch.subarray(0, m).sort();
  for (let q = 0; q < QUANTILES.length; q++) out[o + 13 + q] = quantileSorted(sorted, m, QUANTILES[q]);
}

/** The {@link RICKER_SUMMARY_COUNT} summaries of one series (a new Float64Array). */
export function rickerSummary(y: ArrayLike<number>): Float64Array {
  const T = y.length;
  if (T < 1) throw new Error(`rickerSummary: expected a series of length >= 1; received length ${T}`);
  const xs = y instanceof Float64Array ? y : Float64Array.from(y);
  const out = new Float64Array(RICKER_SUMMARY_COUNT);
  summarize(xs, 0, T, out, 0, new Float64Array(T));
  return out;
}

/** Summaries of n series of length T (xs row-major n x T) as an n x RICKER_SUMMARY_COUNT array. */
export function rickerSummaries(xs: Float64Array, n: number, T: number): Float64Array {
  if (!(Number.isInteger(T) && T >= 1)) throw new Error(`rickerSummaries: T must be a positive integer; received ${T}`);
  rowCount('rickerSummaries', xs, T, n);
  const out = new Float64Array(n * RICKER_SUMMARY_COUNT);
  const scratch = new Float64Array(T);
  for (let i = 0; i < n; i++) summarize(xs, i * T, T, out, i * RICKER_SUMMARY_COUNT, scratch);
  return out;
}
