/**
 * Corner (pair) plot of d parameters, d up to about 6: marginal densities on the diagonal and
 * pairwise scatter below it, overlaying several named sample sets (e.g. "NPE", "ABC", "PMMH
 * reference") in different colours, with the true parameters marked by lines and points
 * (the layout of corner.py, Foreman-Mackey 2016, "corner.py: Scatterplot matrices in Python").
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertArray, assertNumber, checkDomain, droppedNote, matrixWidth, thinIndices } from './check.js';
import { stepHistogram } from './histogram.js';
import { quantileSorted, robustRange } from './quantile.js';
import { autoOpacity } from './scatter.js';
import { MARKER_COLOR, PALETTE, VL_CONFIG, vlSpec } from './theme.js';

/** A named set of samples, rows of shape [n, d]. */
export interface SampleSet {
  name: string;
  samples: ReadonlyArray<ArrayLike<number>>;
}

/** Options of {@link pairPlotSpec}. */
export interface PairPlotOptions {
  title?: string;
  /** Parameter names (axis titles); default θ1 ... θd. */
  names?: string[];
  /** True parameter values, marked by lines and points. */
  truth?: ArrayLike<number>;
  truthLabel?: string;
  /** Diagonal: Gaussian kernel density curves (default) or outlines of normalized histograms. */
  diag?: 'density' | 'hist';
  /** Histogram bins on the diagonal (default 30). */
  bins?: number;
  /** Axis range per parameter; default the central 99% of the pooled samples and truth, padded. */
  limits?: Array<[number, number] | undefined>;
  /** Side of each cell in pixels (default 170 for d <= 3, 140 for d = 4, 115 beyond). */
  cellSize?: number;
  /** Points per set in each scatter cell (evenly thinned; default from a budget of 30000 in all). */
  maxPoints?: number;
}

const field = (i: number): string => `p${i}`;

/** Vega-Lite spec of a pair plot (browser-safe; see {@link plotPairPlot}). */
export function pairPlotSpec(sets: SampleSet[], options: PairPlotOptions = {}): TopLevelSpec {
  const fn = 'pairPlotSpec';
  if (!Array.isArray(sets) || sets.length === 0) throw new Error(`${fn}: sets must be a non-empty array of { name, samples }`);
  const d = matrixWidth(fn, 'sets[0].samples', sets[0].samples);
  assertNumber(fn, 'dimension d', d, 1, 12, true);
  const setNames = sets.map((s) => s.name);
  if (new Set(setNames).size !== setNames.length) throw new Error(`${fn}: set names must be distinct; received [${setNames.join(', ')}]`);
  const names = options.names ?? Array.from({ length: d }, (_, i) => `θ${i + 1}`);
  if (names.length !== d) throw new Error(`${fn}: names must have d = ${d} entries; received ${names.length}`);
  const truth = options.truth === undefined ? undefined : Array.from(assertArray(fn, 'truth', options.truth));
  if (truth && truth.length !== d) throw new Error(`${fn}: truth must have d = ${d} entries; received ${truth.length}`);
  const diag = options.diag ?? 'density';
  if (diag !== 'density' && diag !== 'hist') throw new Error(`${fn}: diag must be 'density' or 'hist'; received ${String(diag)}`);
  const bins = assertNumber(fn, 'bins', options.bins ?? 30, 2, 500, true);
  const cell = assertNumber(fn, 'cellSize', options.cellSize ?? (d <= 3 ? 170 : d === 4 ? 140 : 115), 40, 1000);
  const pairs = (d * (d - 1)) / 2;
  const maxPoints = assertNumber(fn, 'maxPoints', options.maxPoints ?? Math.max(200, Math.min(3000, Math.floor(30000 / Math.max(1, pairs * sets.length)))), 1, 1e6, true);

  // Wide rows {set, p0..p(d-1), s}; s marks the (thinned) rows drawn in scatter cells.
  const rows: Record<string, number | string | boolean>[] = [];
  const shownPerSet: number[] = [];
  let dropped = 0;
  sets.forEach((set, k) => {
    matrixWidth(fn, `sets[${k}].samples ("${set.name}")`, set.samples, d);
    const keep: number[] = [];
    set.samples.forEach((r, i) => {
      for (let j = 0; j < d; j++) if (!Number.isFinite(r[j])) return;
      keep.push(i);
    });
    dropped += set.samples.length - keep.length;
    const diagRows = thinIndices(keep.length, 20000);
    const shown = new Set(thinIndices(diagRows.length, maxPoints));
    shownPerSet.push(shown.size);
    diagRows.forEach((ki, t) => {
      const r = set.samples[keep[ki]];
      const row: Record<string, number | string | boolean> = { set: set.name, s: shown.has(t) };
      for (let j = 0; j < d; j++) row[field(j)] = r[j];
      rows.push(row);
    });
  });
  const limits = Array.from({ length: d }, (_, j) =>
    checkDomain(fn, `limits[${j}]`, options.limits?.[j]) ?? robustRange(rows.map((r) => r[field(j)] as number), truth ? [truth[j]] : []),
  );

  // Scatter layers: the most spread-out set first (underneath), so compact sets stay visible.
  const spread = setNames.map((name) => {
    let total = 0;
    for (let j = 0; j < d; j++) {
      const v = rows.filter((r) => r.set === name).map((r) => r[field(j)] as number).sort((a, b) => a - b);
      total += (quantileSorted(v, 0.84) - quantileSorted(v, 0.16)) / (limits[j][1] - limits[j][0]);
    }
    return total;
  });
  const drawOrder = setNames.map((_, k) => k).sort((a, b) => spread[b] - spread[a]);
  const truthLabel = options.truthLabel ?? 'true value';
  const colorDomain = truth ? [...setNames, truthLabel] : setNames;
  const colorRange = [...setNames.map((_, i) => PALETTE[i % PALETTE.length]), ...(truth ? [MARKER_COLOR] : [])];
  const color = { field: 'set', type: 'nominal', title: null, scale: { domain: colorDomain, range: colorRange } };
  const one = { values: [{}] };
  const truthRule = (channel: 'x' | 'y', v: number) => ({
    data: one,
    mark: { type: 'rule', color: MARKER_COLOR, strokeWidth: 1.2, opacity: 0.8 },
    encoding: { [channel]: { datum: v, type: 'quantitative' } },
  });
  const axisX = (i: number, j: number) => ({
    field: field(j), type: 'quantitative', scale: { domain: limits[j], nice: false, zero: false },
    axis: i === d - 1 ? { title: names[j], labelAngle: 0, labelOverlap: true, tickCount: 4 } : { title: null, labels: false, tickCount: 4 },
  });

  const cells: Record<string, unknown>[] = [];
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (j > i) {
        cells.push({ width: cell, height: cell, data: one, mark: { type: 'point', opacity: 0 }, view: { stroke: null } });
        continue;
      }
      const layer: Record<string, unknown>[] = [];
      if (i === j) {
        const [lo, hi] = limits[i];
        const x = { ...axisX(i, i), field: 'value' };
        const y = { field: 'density', type: 'quantitative', axis: null, scale: { zero: true } };
        if (diag === 'density') {
          layer.push({
            transform: [{ density: field(i), groupby: ['set'], extent: [lo, hi], steps: 120, as: ['value', 'density'] }],
            mark: { type: 'line', strokeWidth: 1.8, clip: true },
            encoding: { x, y, color },
          });
        } else {
          const steps = sets.flatMap((set) => stepHistogram(rows.filter((r) => r.set === set.name).map((r) => r[field(i)] as number), lo, hi, bins).map((v) => ({ ...v, set: set.name })));
          layer.push({
            data: { values: steps },
            mark: { type: 'line', strokeWidth: 1.6, clip: true },
            encoding: { x, y, color, order: { field: 'k', type: 'quantitative' } },
          });
        }
        if (truth) layer.push(truthRule('x', truth[i]));
      } else {
        const y = { field: field(i), type: 'quantitative', scale: { domain: limits[i], nice: false, zero: false }, axis: j === 0 ? { title: names[i], tickCount: 4 } : { title: null, labels: false, tickCount: 4 } };
        drawOrder.forEach((k) => {
          const name = setNames[k];
          layer.push({
            transform: [{ filter: { and: [{ field: 'set', equal: name }, 'datum.s'] } }],
            mark: { type: 'circle', size: 7, opacity: 0.8 * autoOpacity(shownPerSet[k]), clip: true },
            encoding: { x: axisX(i, j), y, color },
          });
        });
        if (truth) {
          layer.push(truthRule('x', truth[j]), truthRule('y', truth[i]), {
            data: { values: [{ set: truthLabel, tx: truth[j], ty: truth[i] }] },
            mark: { type: 'point', shape: 'square', filled: true, size: 45, stroke: 'white', strokeWidth: 0.8, opacity: 1 },
            encoding: { x: { field: 'tx', type: 'quantitative' }, y: { field: 'ty', type: 'quantitative' }, color },
          });
        }
      }
      cells.push({ width: cell, height: cell, layer });
    }
  }
  const subtitle = droppedNote(dropped, 'samples');
  return vlSpec(
    {
      ...(options.title || subtitle ? { title: { text: options.title ?? '', ...(subtitle ? { subtitle } : {}) } } : {}),
      data: { values: rows },
      columns: d,
      spacing: 8,
      concat: cells,
      resolve: { scale: { x: 'independent', y: 'independent', color: 'shared', opacity: 'shared' } },
    },
    { ...VL_CONFIG, legend: { ...VL_CONFIG.legend, symbolSize: 120, ...(d >= 2 ? { orient: 'none', legendX: (d - 1) * (cell + 8) - cell * 0.2, legendY: 8 } : {}) } },
  );
}
