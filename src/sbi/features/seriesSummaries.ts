/**
 * Summary statistics of a count or population time series y_1..y_T, after Wood (2010, Nature 466,
 * Methods: the statistics of synthetic likelihood for the Ricker model), as a feature module for
 * amortized inference. None depends on observed data, so a posterior trained on them stays
 * amortized: Wood's cubic regression of the sorted differences on the OBSERVED sorted differences
 * is replaced by quantiles and moments of the differences.
 *
 * With ybar = (1/T) sum_t y_t and d_t = y_{t+1} - y_t (t = 1..T-1, m = T - 1 differences), for
 * `lags` L (default 5), `power` a (default 0.3) and `quantiles` (default 0.1, 0.25, 0.5, 0.75, 0.9):
 *  - mean:          ybar
 *  - zeros:         #{t : y_t = 0}
 *  - acov0..acovL:  gamma_k = (1/T) sum_{t=1}^{T-k} (y_t - ybar)(y_{t+k} - ybar), k = 0..L
 *                   (gamma_0 is the variance; 0 when k >= T)
 *  - ar1, ar2:      least squares (no intercept) of y_t^a = b1 y_{t-1}^a + b2 y_{t-1}^(2a) + e_t,
 *                   t = 2..T: b = (X'X)^-1 X'z; when X'X is singular (det <= 1e-12 s11 s22: constant
 *                   series, whose regressors are collinear) the minimum-norm solution b = X'X^+ X'z,
 *                   and b = 0 for an all-zero series. Negative values count as 0 in the powers.
 *  - diffMean:      dbar = (1/m) sum_t d_t
 *  - diffVar:       m2 = (1/m) sum_t (d_t - dbar)^2
 *  - diffSkew:      m3 / m2^(3/2), m3 = (1/m) sum_t (d_t - dbar)^3 (0 when m2 = 0)
 *  - diffQ...:      the quantiles of d (`quantileSorted`, R's type 7)
 * Series too short for a statistic (T < 2 for differences and the autoregression) give 0.
 * Finite for every finite input; a row containing NaN or Infinity (a failed simulation) gives NaN.
 * Scales differ widely (counts vs. their variance): pass them through `asinh` and standardise.
 */
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { rowCount } from '../../rows.js';
import { quantileSorted } from '../../quantile.js';
import { checkWidth, FeatureModule } from './featureModule.js';

/** Options of {@link SeriesSummaries} (see the module comment). */
export interface SeriesSummaryOptions {
  /** Autocovariance lags 0..lags (default 5). */
  lags?: number;
  /** Power of the autoregression on transformed values (default 0.3). */
  power?: number;
  /** Quantiles of the first differences (default 0.1, 0.25, 0.5, 0.75, 0.9). */
  quantiles?: readonly number[];
}

const DEFAULTS = { lags: 5, power: 0.3, quantiles: [0.1, 0.25, 0.5, 0.75, 0.9] as readonly number[] };

/** The names of the summaries, in order, for the given options. */
export function seriesSummaryNames(options: SeriesSummaryOptions = {}): string[] {
  const { lags, quantiles } = { ...DEFAULTS, ...options };
  return [
    'mean', 'zeros',
    ...Array.from({ length: lags + 1 }, (_, k) => `acov${k}`),
    'ar1', 'ar2', 'diffMean', 'diffVar', 'diffSkew',
    ...quantiles.map((q) => `diffQ${Math.round(q * 100)}`),
  ];
}

/**
 * Summaries of y = xs[start .. start + T) into out[o ..). `scratch` (length >= T) holds the sorted
 * differences.
 */
function summarize(xs: Float64Array, start: number, T: number, out: Float64Array, o: number, scratch: Float64Array, lags: number, power: number, quantiles: readonly number[]): void {
  const count = 8 + lags + quantiles.length;
  let sum = 0;
  let zeros = 0;
  for (let t = 0; t < T; t++) {
    const v = xs[start + t];
    if (!Number.isFinite(v)) {
      out.fill(NaN, o, o + count);
      return;
    }
    sum += v;
    if (v === 0) zeros++;
  }
  const mean = sum / T;
  out[o] = mean;
  out[o + 1] = zeros;
  for (let k = 0; k <= lags; k++) {
    let acc = 0;
    for (let t = 0; t + k < T; t++) acc += (xs[start + t] - mean) * (xs[start + t + k] - mean);
    out[o + 2 + k] = acc / T;
  }
  const ar = o + 3 + lags;

  // Autoregression of y_t^a on (y_{t-1}^a, y_{t-1}^2a): 2 x 2 normal equations.
  let s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0;
  let prev = Math.pow(Math.max(xs[start], 0), power);
  for (let t = 1; t < T; t++) {
    const z = Math.pow(Math.max(xs[start + t], 0), power);
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
    out[ar] = (s22 * r1 - s12 * r2) / det;
    out[ar + 1] = (s11 * r2 - s12 * r1) / det;
  } else if (s11 + s22 > 0) {
    // Rank one (constant series): X'X = tr v v', v = (sqrt(s11), sqrt(s22)) / sqrt(tr), s12 >= 0;
    // the minimum-norm solution is b = v (v'r) / tr.
    const tr = s11 + s22;
    const v1 = Math.sqrt(s11 / tr);
    const v2 = Math.sqrt(s22 / tr);
    const proj = (v1 * r1 + v2 * r2) / tr;
    out[ar] = v1 * proj;
    out[ar + 1] = v2 * proj;
  } else {
    out[ar] = 0;
    out[ar + 1] = 0;
  }

  // First differences: moments and quantiles.
  const diff = ar + 2;
  const m = T - 1;
  if (m < 1) {
    out.fill(0, diff, o + count);
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
  out[diff] = dbar;
  out[diff + 1] = m2;
  // Relative floor: rounding alone can leave m2 ~ 1e-32 dbar^2 for a constant series.
  out[diff + 2] = m2 > 1e-24 * (dbar * dbar + 1) ? m3 / Math.pow(m2, 1.5) : 0;
  const sorted = scratch.subarray(0, m).sort();
  for (let q = 0; q < quantiles.length; q++) out[diff + 3 + q] = quantileSorted(sorted, quantiles[q], m);
}

/** Summaries of n series of length T (xs row-major n x T) as an n x (8 + lags + quantiles) array. */
export function seriesSummaries(xs: Float64Array, n: number, T: number, options: SeriesSummaryOptions = {}): Float64Array {
  if (!(Number.isInteger(T) && T >= 1)) throw new Error(`seriesSummaries: T must be a positive integer; received ${T}`);
  rowCount('seriesSummaries', xs, T, n);
  const { lags, power, quantiles } = { ...DEFAULTS, ...options };
  const count = 8 + lags + quantiles.length;
  const out = new Float64Array(n * count);
  const scratch = new Float64Array(T);
  for (let i = 0; i < n; i++) summarize(xs, i * T, T, out, i * count, scratch, lags, power, quantiles);
  return out;
}

/** The summaries above as a feature module for series of a fixed `length`. */
export class SeriesSummaries extends FeatureModule {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly lags: number;
  readonly power: number;
  readonly quantiles: readonly number[];

  constructor(options: { length: number } & SeriesSummaryOptions) {
    super();
    this.inputDim = checkWidth('SeriesSummaries', 'length', options.length);
    this.lags = options.lags ?? DEFAULTS.lags;
    if (!(Number.isInteger(this.lags) && this.lags >= 0)) throw new Error(`SeriesSummaries: lags must be a non-negative integer; received ${this.lags}`);
    this.power = options.power ?? DEFAULTS.power;
    if (!(this.power > 0 && Number.isFinite(this.power))) throw new Error(`SeriesSummaries: power must be a positive number; received ${this.power}`);
    this.quantiles = [...(options.quantiles ?? DEFAULTS.quantiles)];
    if (!this.quantiles.every((q) => q >= 0 && q <= 1)) throw new Error(`SeriesSummaries: quantiles must lie in [0, 1]; received ${this.quantiles.join(', ')}`);
    this.outputDim = 8 + this.lags + this.quantiles.length;
  }

  transformRows(values: Float64Array, n: number): Float64Array {
    return seriesSummaries(values, n, this.inputDim, this);
  }

  toConfig(): ModuleConfig {
    return { type: 'SeriesSummaries', length: this.inputDim, lags: this.lags, power: this.power, quantiles: [...this.quantiles] };
  }
}

registerModule(
  'SeriesSummaries',
  (c) => new SeriesSummaries({ length: c.length as number, lags: c.lags as number, power: c.power as number, quantiles: c.quantiles as number[] }),
);
