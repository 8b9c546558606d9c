/**
 * 2-D points coloured by a categorical label, e.g. a VAE's latent means coloured by digit class,
 * with a legend of the classes (sorted numerically when the labels are numbers).
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertArray, assertNumber, droppedNote, thinIndices, toColumns, type Points2D } from './check.js';
import { autoOpacity } from './scatter.js';
import { PALETTE, vlSpec } from './theme.js';

/** Options of {@link latentScatterSpec}. */
export interface LatentScatterOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Legend title (default 'class'). */
  labelTitle?: string;
  /** At most this many points are drawn (evenly thinned; default 5000). */
  maxPoints?: number;
  /** Point opacity (default from the number of points, raised for readability of colours). */
  opacity?: number;
  /** Plot size in pixels (default 380 × 340). */
  width?: number;
  height?: number;
}

/** Vega-Lite spec of labelled 2-D points (browser-safe; see {@link plotLatentScatter}). */
export function latentScatterSpec(points: Points2D, labels: ArrayLike<number | string>, options: LatentScatterOptions = {}): TopLevelSpec {
  const fn = 'latentScatterSpec';
  const { x, y } = toColumns(fn, 'points', points);
  const lab = Array.from(assertArray(fn, 'labels', labels as ArrayLike<number>) as ArrayLike<number | string>);
  if (lab.length !== x.length) throw new Error(`${fn}: points and labels must have equal lengths; received ${x.length} points and ${lab.length} labels`);
  const keep = x.map((_, i) => i).filter((i) => Number.isFinite(x[i]) && Number.isFinite(y[i]));
  const shown = thinIndices(keep.length, assertNumber(fn, 'maxPoints', options.maxPoints ?? 5000, 1, 1e6, true)).map((k) => keep[k]);
  const rows = shown.map((i) => ({ x: x[i], y: y[i], label: String(lab[i]) }));
  const classes = [...new Set(lab.map(String))];
  const numeric = classes.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
  classes.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const range = classes.map((_, i) => PALETTE[i % PALETTE.length]);
  const opacity = options.opacity ?? Math.min(0.9, 1.6 * autoOpacity(rows.length));
  const subtitle = droppedNote(x.length - keep.length);
  return vlSpec({
    ...(options.title || subtitle ? { title: { text: options.title ?? '', ...(subtitle ? { subtitle } : {}) } } : {}),
    width: assertNumber(fn, 'width', options.width ?? 380, 50, 4000),
    height: assertNumber(fn, 'height', options.height ?? 340, 50, 4000),
    data: { values: rows },
    mark: { type: 'circle', size: 12, opacity: assertNumber(fn, 'opacity', opacity, 0, 1) },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle ?? 'z₁', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: options.yTitle ?? 'z₂', scale: { zero: false } },
      color: { field: 'label', type: 'nominal', title: options.labelTitle ?? 'class', sort: classes, scale: { domain: classes, range }, legend: { symbolOpacity: 1, symbolSize: 100 } },
    },
  });
}
