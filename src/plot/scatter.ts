/**
 * Side-by-side scatter panels with shared axes, e.g. "data" beside "flow samples" for 2-D
 * density estimation, optionally with reference points (true parameters) overlaid on every panel.
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertNumber, checkDomain, droppedNote, paddedExtent, thinIndices, toColumns, type Points2D } from './check.js';
import { MARKER_COLOR, PALETTE, vlSpec } from './theme.js';

/** One panel: a title and its points. */
export interface ScatterPanel {
  title: string;
  points: Points2D;
}

/** Options of {@link scatterPanelsSpec}. */
export interface ScatterPanelsOptions {
  /** Figure title. */
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Axis ranges; default: the range of all points and overlay, padded by 5%. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Size of each panel in pixels (default 300 × 300). */
  width?: number;
  height?: number;
  /** Point opacity; default {@link autoOpacity} of the largest panel. */
  opacity?: number;
  /** Point area in square pixels (default 10). */
  pointSize?: number;
  /** At most this many points per panel are drawn (evenly thinned; default 5000). */
  maxPoints?: number;
  /** Reference points drawn as crosses on every panel, with a legend entry. */
  overlay?: { points: Points2D; label?: string };
}

/**
 * Opacity that keeps dense regions distinguishable without hiding sparse ones:
 * clamp(12 / sqrt(n), 0.08, 0.8) for n points.
 */
export function autoOpacity(n: number): number {
  return Math.min(0.8, Math.max(0.08, 12 / Math.sqrt(Math.max(n, 1))));
}

/** Vega-Lite spec of side-by-side scatter panels (browser-safe; see {@link plotScatterPanels}). */
export function scatterPanelsSpec(panels: ScatterPanel[], options: ScatterPanelsOptions = {}): TopLevelSpec {
  const fn = 'scatterPanelsSpec';
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new Error(`${fn}: panels must be a non-empty array of { title, points }; received ${Array.isArray(panels) ? 'an empty array' : typeof panels}`);
  }
  const maxPoints = assertNumber(fn, 'maxPoints', options.maxPoints ?? 5000, 1, 1e6, true);
  const width = assertNumber(fn, 'width', options.width ?? 300, 50, 4000);
  const height = assertNumber(fn, 'height', options.height ?? 300, 50, 4000);
  const titles = panels.map((p, i) => {
    if (typeof p?.title !== 'string') throw new Error(`${fn}: panels[${i}].title must be a string; received ${typeof p?.title}`);
    return p.title;
  });
  if (new Set(titles).size !== titles.length) throw new Error(`${fn}: panel titles must be distinct; received [${titles.join(', ')}]`);

  const rows: { panel: string; x: number; y: number; kind: string }[] = [];
  let dropped = 0;
  let largest = 0;
  panels.forEach((p, k) => {
    const { x, y } = toColumns(fn, `panels[${k}].points`, p.points);
    const keep = x.map((_, i) => i).filter((i) => Number.isFinite(x[i]) && Number.isFinite(y[i]));
    dropped += x.length - keep.length;
    const shown = thinIndices(keep.length, maxPoints).map((i) => keep[i]);
    largest = Math.max(largest, shown.length);
    for (const i of shown) rows.push({ panel: p.title, x: x[i], y: y[i], kind: 'point' });
  });
  const overlayLabel = options.overlay?.label ?? 'reference';
  if (options.overlay) {
    const o = toColumns(fn, 'overlay.points', options.overlay.points);
    for (const title of titles) o.x.forEach((xi, i) => rows.push({ panel: title, x: xi, y: o.y[i], kind: 'overlay' }));
  }
  const xDomain = checkDomain(fn, 'xDomain', options.xDomain) ?? paddedExtent(rows.map((r) => r.x));
  const yDomain = checkDomain(fn, 'yDomain', options.yDomain) ?? paddedExtent(rows.map((r) => r.y));
  const opacity = options.opacity ?? autoOpacity(largest);
  assertNumber(fn, 'opacity', opacity, 0, 1);

  const x = { field: 'x', type: 'quantitative', title: options.xTitle ?? 'x', scale: { domain: xDomain, nice: false, zero: false } } as const;
  const y = { field: 'y', type: 'quantitative', title: options.yTitle ?? 'y', scale: { domain: yDomain, nice: false, zero: false } } as const;
  const layer: Record<string, unknown>[] = [
    {
      transform: [{ filter: "datum.kind === 'point'" }],
      mark: { type: 'circle', size: options.pointSize ?? 10, opacity, color: PALETTE[0], clip: true },
      encoding: { x, y },
    },
  ];
  if (options.overlay) {
    layer.push({
      transform: [{ filter: "datum.kind === 'overlay'" }],
      mark: { type: 'point', shape: 'cross', size: 160, filled: true, opacity: 1, stroke: 'white', strokeWidth: 0.8, clip: true },
      encoding: {
        x,
        y,
        color: { datum: overlayLabel, type: 'nominal', scale: { range: [MARKER_COLOR] }, legend: { title: null } },
      },
    });
  }
  const subtitle = droppedNote(dropped);
  return vlSpec({
    ...(options.title || subtitle ? { title: { text: options.title ?? '', ...(subtitle ? { subtitle } : {}) } } : {}),
    data: { values: rows },
    facet: { column: { field: 'panel', type: 'nominal', sort: titles, title: null } },
    spec: { width, height, layer },
    resolve: { scale: { x: 'shared', y: 'shared' } },
  });
}
