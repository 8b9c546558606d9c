/**
 * Contour lines of a density on a grid with samples overlaid, e.g. a variational-inference
 * target (unnormalized log density on a grid) with samples of the fitted flow. Built as a Vega
 * spec: Vega's `isocontour` transform (marching squares, as d3-contour) computes the lines.
 * By default the lines are highest-density regions holding 50%, 80%, 95% and 99% of the mass.
 */
import type { Spec } from 'vega';
import { assertNumber, checkDomain, droppedNote, thinIndices, toColumns, type Points2D } from './check.js';
import { checkGrid, checkUniform, convertDensity, type Grid2D } from './grid.js';
import { hdrThresholds } from './hdr.js';
import { FONT, PALETTE } from './theme.js';

/** Options of {@link contoursSpec}. */
export interface ContoursOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** What grid.values hold (default 'density'). */
  input?: 'density' | 'logDensity';
  /** Probability masses of the highest-density regions drawn (default [0.5, 0.8, 0.95, 0.99]). */
  masses?: number[];
  /** Legend title of the contour lines (default 'target HDR'). */
  contourTitle?: string;
  /** Points drawn under the contours (e.g. flow samples), with their legend label. */
  samples?: Points2D;
  samplesLabel?: string;
  /** At most this many samples are drawn (evenly thinned; default 5000). */
  maxPoints?: number;
  /** Axis ranges; default: the grid's range. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Plot size in pixels (default 360 × 320). */
  width?: number;
  height?: number;
}

/** Colours from dark (innermost region) to light blue, one per level. */
function ramp(k: number): string[] {
  const a = [8, 48, 107];
  const b = [107, 174, 214];
  return Array.from({ length: k }, (_, i) => {
    const t = k === 1 ? 0 : i / (k - 1);
    return `rgb(${a.map((c, j) => Math.round(c + t * (b[j] - c))).join(',')})`;
  });
}

/** Vega spec of density contours with overlaid samples (browser-safe; see {@link plotContours}). */
export function contoursSpec(grid: Grid2D, options: ContoursOptions = {}): Spec {
  const fn = 'contoursSpec';
  const g = checkGrid(fn, grid);
  checkUniform(fn, 'grid.x', g.x);
  checkUniform(fn, 'grid.y', g.y);
  const p = convertDensity(fn, g.values, options.input ?? 'density', 'density');
  const masses = [...(options.masses ?? [0.5, 0.8, 0.95, 0.99])].sort((a, b) => a - b);
  const thresholds = hdrThresholds(fn, g, p, masses);
  const labels = masses.map((m) => `${+(100 * m).toFixed(2)}%`);
  const colors = ramp(masses.length);
  const width = assertNumber(fn, 'width', options.width ?? 360, 50, 4000);
  const height = assertNumber(fn, 'height', options.height ?? 320, 50, 4000);
  const xd = checkDomain(fn, 'xDomain', options.xDomain) ?? [g.x[0], g.x[g.x.length - 1]];
  const yd = checkDomain(fn, 'yDomain', options.yDomain) ?? [g.y[0], g.y[g.y.length - 1]];
  // Contour coordinates are in grid units: node (i, j) sits at (i + 0.5, j + 0.5). Map them to
  // pixels (y points down).
  const dx = (g.x[g.x.length - 1] - g.x[0]) / (g.x.length - 1);
  const dy = (g.y[g.y.length - 1] - g.y[0]) / (g.y.length - 1);
  const sx = (dx * width) / (xd[1] - xd[0]);
  const sy = (-dy * height) / (yd[1] - yd[0]);
  const tx = ((g.x[0] - 0.5 * dx - xd[0]) * width) / (xd[1] - xd[0]);
  const ty = height - ((g.y[0] - 0.5 * dy - yd[0]) * height) / (yd[1] - yd[0]);
  const gridTuple = { width: g.x.length, height: g.y.length, values: p.map((v) => (Number.isNaN(v) ? 0 : v)), scale: [sx, sy], translate: [tx, ty] };

  const samples: { x: number; y: number }[] = [];
  let dropped = 0;
  if (options.samples) {
    const s = toColumns(fn, 'samples', options.samples);
    const keep = s.x.map((_, i) => i).filter((i) => Number.isFinite(s.x[i]) && Number.isFinite(s.y[i]));
    dropped = s.x.length - keep.length;
    const maxPoints = assertNumber(fn, 'maxPoints', options.maxPoints ?? 5000, 1, 1e6, true);
    for (const i of thinIndices(keep.length, maxPoints)) samples.push({ x: s.x[keep[i]], y: s.y[keep[i]] });
  }
  const opacity = Math.min(0.7, Math.max(0.08, 10 / Math.sqrt(Math.max(samples.length, 1))));
  const samplesLabel = options.samplesLabel ?? 'samples';
  const subtitle = droppedNote(dropped, 'samples');
  const axis = { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', grid: true, gridColor: '#eeeeee', domainColor: '#888888', tickColor: '#888888' };
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width,
    height,
    padding: 8,
    background: 'white',
    config: { text: { font: FONT }, title: { font: FONT, fontSize: 14, anchor: 'start', subtitleFontSize: 11 }, axis: { labelFont: FONT, titleFont: FONT }, legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' } },
    ...(options.title || subtitle ? { title: { text: options.title ?? '', ...(subtitle ? { subtitle } : {}) } } : {}),
    data: [
      { name: 'grid', values: [gridTuple] },
      { name: 'contours', source: 'grid', transform: [{ type: 'isocontour', thresholds }] },
      { name: 'samples', values: samples },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: xd, range: 'width', nice: false, zero: false },
      { name: 'y', type: 'linear', domain: yd, range: 'height', nice: false, zero: false },
      { name: 'level', type: 'ordinal', domain: thresholds, range: colors },
      { name: 'levelLabel', type: 'ordinal', domain: labels, range: colors },
      { name: 'series', type: 'ordinal', domain: [samplesLabel], range: [PALETTE[1]] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: options.xTitle ?? 'x', ...axis },
      { orient: 'left', scale: 'y', title: options.yTitle ?? 'y', ...axis },
    ],
    legends: [
      { stroke: 'levelLabel', title: options.contourTitle ?? 'target HDR', symbolType: 'stroke', symbolStrokeWidth: 2 },
      ...(samples.length ? [{ fill: 'series', symbolType: 'circle', symbolOpacity: 1 }] : []),
    ],
    marks: [
      {
        type: 'rect',
        encode: { update: { x: { value: 0 }, y: { value: 0 }, width: { signal: 'width' }, height: { signal: 'height' }, stroke: { value: '#bbbbbb' }, fill: { value: null } } },
      },
      {
        type: 'symbol',
        from: { data: 'samples' },
        clip: true,
        encode: { update: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, size: { value: 10 }, fill: { value: PALETTE[1] }, fillOpacity: { value: opacity } } },
      },
      {
        type: 'path',
        from: { data: 'contours' },
        clip: true,
        encode: { update: { stroke: { scale: 'level', field: 'contour.value' }, strokeWidth: { value: 1.6 }, fill: { value: null } } },
        transform: [{ type: 'geopath', field: 'datum.contour' }],
      },
    ],
  } as Spec;
}
