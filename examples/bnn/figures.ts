/**
 * Vega-Lite specs of the BNN example's figures (examples/bnn.ts): coefficient panels, the
 * predictive band, predictive probability maps, a reliability diagram, and the mixing sweep.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PALETTE, VL_CONFIG } from '../../src/plot/theme.js';

type Row = Record<string, number | string>;

/** Histogram outline (density-normalised) of values over [lo, hi] in `bins` bins, as step-line rows. */
export function histogramRows(values: ArrayLike<number>, lo: number, hi: number, bins: number, extra: Row): Row[] {
  const counts = new Float64Array(bins);
  const width = (hi - lo) / bins;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor((values[i] - lo) / width);
    if (b >= 0 && b < bins) counts[b] += 1;
    n += 1;
  }
  const rows: Row[] = [];
  counts.forEach((c, b) => {
    const density = c / (n * width);
    rows.push({ ...extra, x: lo + b * width, density }, { ...extra, x: lo + (b + 1) * width, density });
  });
  return rows;
}

/** One panel per coefficient: exact density (line) and each method's histogram outline. */
export function coefficientPanels(rows: Row[], title: string, order: string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: VL_CONFIG,
    title,
    data: { values: rows },
    facet: { column: { field: 'coefficient', type: 'nominal', title: null, sort: order } },
    spec: {
      width: 230,
      height: 180,
      mark: { type: 'line', strokeWidth: 1.6 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'value', scale: { zero: false } },
        y: { field: 'density', type: 'quantitative', title: 'density' },
        color: { field: 'method', type: 'nominal', scale: { range: PALETTE }, title: null },
        strokeDash: { field: 'exact', type: 'nominal', legend: null, scale: { domain: ['yes', 'no'], range: [[1, 0], [4, 2]] } },
        detail: { field: 'method' },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as TopLevelSpec;
}

/** Data points, the exact predictive mean and 95% band, and sampled predictive means. */
export function predictiveBand(band: Row[], points: Row[], means: Row[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: VL_CONFIG,
    title,
    width: 480,
    height: 300,
    layer: [
      { data: { values: band }, mark: { type: 'area', opacity: 0.25, color: PALETTE[0] }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative', title: 'y' }, y2: { field: 'hi' } } },
      { data: { values: means }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'mean', type: 'quantitative' }, color: { field: 'method', type: 'nominal', scale: { range: PALETTE }, title: 'predictive mean' } } },
      { data: { values: points }, mark: { type: 'point', filled: true, size: 22, color: '#222' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

/** Side-by-side maps of P(y = 1 | x) with the training points. */
export function probabilityMaps(panels: { title: string; cells: Row[] }[], points: Row[], cell: { dx: number; dy: number }): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: VL_CONFIG,
    hconcat: panels.map((p) => ({
      title: p.title,
      width: 230,
      height: 190,
      layer: [
        {
          data: { values: p.cells.map((c) => ({ ...c, x2: (c.x as number) + cell.dx, y2: (c.y as number) + cell.dy })) },
          mark: { type: 'rect' },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'x1', scale: { nice: false, zero: false } },
            x2: { field: 'x2' },
            y: { field: 'y', type: 'quantitative', title: 'x2', scale: { nice: false, zero: false } },
            y2: { field: 'y2' },
            color: { field: 'p', type: 'quantitative', title: 'P(y=1)', scale: { scheme: 'blueorange', domain: [0, 1] } },
          },
        },
        {
          data: { values: points },
          mark: { type: 'point', size: 10, filled: true, opacity: 0.8 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
            shape: { field: 'label', type: 'nominal', title: 'label' },
            fill: { value: '#111' },
            stroke: { value: '#111' },
          },
        },
      ],
    })),
  } as TopLevelSpec;
}

/** Reliability diagram: observed frequency against mean predicted probability per bin. */
export function reliabilityDiagram(rows: Row[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: VL_CONFIG,
    title,
    width: 320,
    height: 300,
    layer: [
      { data: { values: [{ a: 0, b: 0 }, { a: 1, b: 1 }] }, mark: { type: 'line', color: '#999', strokeDash: [4, 3] }, encoding: { x: { field: 'a', type: 'quantitative', title: 'mean predicted P(y=1)' }, y: { field: 'b', type: 'quantitative', title: 'observed frequency' } } },
      { data: { values: rows }, mark: { type: 'line', point: true }, encoding: { x: { field: 'confidence', type: 'quantitative' }, y: { field: 'frequency', type: 'quantitative' }, color: { field: 'method', type: 'nominal', scale: { range: PALETTE }, title: null } } },
    ],
  } as TopLevelSpec;
}

/** R-hat and ESS per second against the number of weights, one line per sampler. */
export function mixingSweep(rows: Row[], title: string): TopLevelSpec {
  const panel = (field: string, axis: string, scale: object, rule?: number) => ({
    width: 300,
    height: 230,
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'weights', type: 'quantitative', title: 'number of weights', scale: { type: 'log' } },
          y: { field, type: 'quantitative', title: axis, scale },
          color: { field: 'sampler', type: 'nominal', scale: { range: PALETTE }, title: null },
        },
      },
      ...(rule === undefined ? [] : [{ data: { values: [{ r: rule }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#999' }, encoding: { y: { field: 'r', type: 'quantitative' } } }]),
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: VL_CONFIG,
    title,
    data: { values: rows },
    hconcat: [panel('rhat', 'max R-hat (log joint, predictive)', { type: 'log' }, 1.01), panel('essPerSecond', 'min bulk ESS per second', { type: 'log' })],
  } as TopLevelSpec;
}
