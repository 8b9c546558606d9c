/**
 * Simulation-based calibration (SBC) rank histograms per parameter, with the band a uniform
 * rank distribution stays in with the given probability (Talts et al. 2018, "Validating Bayesian
 * inference algorithms with simulation-based calibration"): for a calibrated posterior, the rank
 * of the true parameter among L posterior draws is uniform on {0, ..., L}.
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertNumber, matrixWidth } from './check.js';
import { binomialInterval } from './binomial.js';
import { PALETTE, vlSpec } from './theme.js';
import { defaultSbcBins } from '../sbi/diagnostics/sbcBins.js';

/** Options of {@link sbcRanksSpec}. */
export interface SbcRanksOptions {
  title?: string;
  /** Parameter names (panel titles); default θ1 ... θd. */
  names?: string[];
  /**
   * Number of bins (default about nSims / 20, within [4, 30], preferring a divisor of L + 1 so
   * that all bins hold the same number of ranks).
   */
  bins?: number;
  /** Probability of the uniform band (default 0.99). */
  level?: number;
  /** Panels per row (default min(d, 4)); panel size in pixels (default 240 × 150). */
  columns?: number;
  width?: number;
  height?: number;
}

/**
 * Vega-Lite spec of SBC rank histograms (browser-safe; see {@link plotSbcRanks}). `ranks` has
 * shape [nSims, d]: the rank of the true parameter among L posterior draws, an integer in [0, L].
 */
export function sbcRanksSpec(ranks: ReadonlyArray<ArrayLike<number>>, numPosteriorSamples: number, options: SbcRanksOptions = {}): TopLevelSpec {
  const fn = 'sbcRanksSpec';
  const d = matrixWidth(fn, 'ranks', ranks);
  const L = assertNumber(fn, 'numPosteriorSamples', numPosteriorSamples, 1, 1e7, true);
  const n = ranks.length;
  const names = options.names ?? Array.from({ length: d }, (_, i) => `θ${i + 1}`);
  if (names.length !== d) throw new Error(`${fn}: names must have d = ${d} entries; received ${names.length}`);
  const bins = assertNumber(fn, 'bins', options.bins ?? defaultSbcBins(n, L), 1, L + 1, true);
  const level = assertNumber(fn, 'level', options.level ?? 0.99, 0, 1);
  // Bin b holds the integer ranks [start[b], start[b + 1]), start[b] = floor(b (L + 1) / bins).
  const start = Array.from({ length: bins + 1 }, (_, b) => Math.floor((b * (L + 1)) / bins));
  const binOf = (r: number) => Math.ceil(((r + 1) * bins) / (L + 1)) - 1;
  // When L + 1 is not a multiple of bins, widths differ by one rank: counts and bands are
  // rescaled to the mean width (L + 1) / bins, so that a uniform histogram looks flat.
  const widths = start.slice(1).map((s, b) => s - start[b]);
  const equal = widths.every((w) => w === widths[0]);
  const meanWidth = (L + 1) / bins;
  const rows: Record<string, number | string | boolean>[] = [];
  for (let j = 0; j < d; j++) {
    const counts = new Array<number>(bins).fill(0);
    ranks.forEach((row, i) => {
      const r = row[j];
      if (!(Number.isInteger(r) && r >= 0 && r <= L)) throw new Error(`${fn}: ranks must be integers in [0, ${L}]; ranks[${i}][${j}] is ${r}`);
      counts[binOf(r)]++;
    });
    for (let b = 0; b < bins; b++) {
      const [lo, hi] = binomialInterval(n, widths[b] / (L + 1), level);
      const f = meanWidth / widths[b];
      rows.push({ param: names[j], x0: start[b], x1: start[b + 1], count: counts[b] * f, lo: lo * f, hi: hi * f, mean: n / bins, outside: counts[b] < lo || counts[b] > hi });
    }
  }
  const x = { field: 'x0', type: 'quantitative', title: 'rank', scale: { domain: [0, L + 1], nice: false, zero: false } } as const;
  const y = { type: 'quantitative', title: equal ? 'count' : `count per ${+meanWidth.toFixed(2)} ranks` } as const;
  const pct = `${+(100 * level).toFixed(2)}%`;
  const widthNote = equal ? [] : [`bins of ${Math.min(...widths)} and ${Math.max(...widths)} ranks, counts rescaled to the mean width`];
  return vlSpec({
    title: { text: options.title ?? 'SBC rank histograms', subtitle: [`${n} simulations, ${L} posterior draws; grey: ${pct} band of uniform ranks, red: bars outside it`, ...widthNote] },
    data: { values: rows },
    columns: assertNumber(fn, 'columns', options.columns ?? Math.min(d, 4), 1, 100, true),
    facet: { field: 'param', type: 'nominal', sort: names, title: null },
    spec: {
      width: assertNumber(fn, 'width', options.width ?? 240, 50, 4000),
      height: assertNumber(fn, 'height', options.height ?? 150, 50, 4000),
      layer: [
        { mark: { type: 'rect', color: '#cccccc', opacity: 0.6 }, encoding: { x, x2: { field: 'x1' }, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            x, x2: { field: 'x1' }, y: { ...y, field: 'count' }, y2: { datum: 0 },
            color: { condition: { test: 'datum.outside', value: '#d62728' }, value: PALETTE[0] },
            opacity: { value: 0.8 },
          },
        },
        { mark: { type: 'rule', color: '#555555', strokeDash: [4, 3] }, encoding: { x, x2: { field: 'x1' }, y: { ...y, field: 'mean' } } },
      ],
    },
  });
}
