/**
 * Density heat map of a regular grid of values (e.g. exp(flow.logProb) on a grid of points; see
 * {@link makeGrid}), drawn as one rectangle per grid node with a sequential colour scale.
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertNumber } from './check.js';
import { cellEdges, checkGrid, convertDensity, type Grid2D } from './grid.js';
import { VL_CONFIG, vlSpec } from './theme.js';

/** Options of {@link heatmapSpec}. */
export interface HeatmapOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** What grid.values hold (default 'density'). */
  input?: 'density' | 'logDensity';
  /**
   * What the colours show (default: the input). Log densities are clipped below at
   * max − logRange; densities computed from log densities are divided by their maximum.
   */
  show?: 'density' | 'logDensity';
  /** Range of log density shown below the maximum (default 20). */
  logRange?: number;
  /** Colour legend title (default from `show`). */
  valueTitle?: string;
  /** Vega colour scheme (default 'viridis'). */
  scheme?: string;
  /** Plot size in pixels (default 360 × 320). */
  width?: number;
  height?: number;
}

/** Vega-Lite spec of a density heat map (browser-safe; see {@link plotHeatmap}). */
export function heatmapSpec(grid: Grid2D, options: HeatmapOptions = {}): TopLevelSpec {
  const fn = 'heatmapSpec';
  const g = checkGrid(fn, grid);
  const input = options.input ?? 'density';
  const show = options.show ?? input;
  const logRange = assertNumber(fn, 'logRange', options.logRange ?? 20, 1e-6, 1e6);
  const shown = convertDensity(fn, g.values, input, show, logRange);
  const xe = cellEdges(g.x);
  const ye = cellEdges(g.y);
  const nx = g.x.length;
  const rows: { x0: number; x1: number; y0: number; y1: number; v: number }[] = [];
  shown.forEach((v, k) => {
    if (Number.isNaN(v)) return;
    const i = k % nx;
    const j = (k - i) / nx;
    rows.push({ x0: xe[i], x1: xe[i + 1], y0: ye[j], y1: ye[j + 1], v });
  });
  const valueTitle = options.valueTitle ?? (show === 'logDensity' ? 'log density' : input === 'logDensity' ? 'density / max' : 'density');
  const color = { field: 'v', type: 'quantitative', title: valueTitle, scale: { scheme: options.scheme ?? 'viridis', zero: false, nice: false } };
  const xScale = { domain: [xe[0], xe[nx]], nice: false, zero: false };
  const yScale = { domain: [ye[0], ye[ye.length - 1]], nice: false, zero: false };
  return vlSpec(
    {
      ...(options.title ? { title: options.title } : {}),
      width: assertNumber(fn, 'width', options.width ?? 360, 50, 4000),
      height: assertNumber(fn, 'height', options.height ?? 320, 50, 4000),
      data: { values: rows },
      // A thin stroke in the fill colour hides anti-aliasing seams between adjacent cells.
      mark: { type: 'rect', strokeWidth: 0.6, stroke: { expr: "scale('color', datum.v)" }, clip: true },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: options.xTitle ?? 'x', scale: xScale },
        x2: { field: 'x1' },
        y: { field: 'y0', type: 'quantitative', title: options.yTitle ?? 'y', scale: yScale },
        y2: { field: 'y1' },
        color,
      },
    },
    { ...VL_CONFIG, axis: { ...VL_CONFIG.axis, grid: false } },
  );
}
