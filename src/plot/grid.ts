/**
 * Regular 2-D grids of values (densities, log densities) for heat maps and contour plots.
 * A grid has increasing coordinates `x` (nx values) and `y` (ny values) and `values` with
 * `values[j][i]` (or `values[j * nx + i]` when flat) the value at `(x[i], y[j])`.
 */
import { assertArray, assertNumber, checkDomain, describe } from './check.js';

/** A regular grid of values; see the module comment for the layout. */
export interface Grid2D {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** `[ny][nx]` rows, or a flat row-major array of length ny * nx. */
  values: ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;
}

/** A grid after checking: plain arrays, flat row-major values. */
export interface CheckedGrid {
  x: number[];
  y: number[];
  values: number[];
}

/**
 * Evenly spaced grid coordinates over `xDomain` × `yDomain` with `nx` × `ny` nodes, and the
 * nodes as rows `[x, y]` in the order of `Grid2D.values` (y-major), ready to be evaluated in one
 * batch: `flow.logProb(tf.tensor2d(points))` gives the flat values of the grid.
 */
export function makeGrid(options: { xDomain: [number, number]; yDomain: [number, number]; nx?: number; ny?: number }): {
  x: number[];
  y: number[];
  points: number[][];
} {
  const fn = 'makeGrid';
  const xd = checkDomain(fn, 'xDomain', options.xDomain)!;
  const yd = checkDomain(fn, 'yDomain', options.yDomain)!;
  const nx = assertNumber(fn, 'nx', options.nx ?? 100, 2, 4096, true);
  const ny = assertNumber(fn, 'ny', options.ny ?? nx, 2, 4096, true);
  const x = Array.from({ length: nx }, (_, i) => xd[0] + ((xd[1] - xd[0]) * i) / (nx - 1));
  const y = Array.from({ length: ny }, (_, j) => yd[0] + ((yd[1] - yd[0]) * j) / (ny - 1));
  const points: number[][] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) points.push([x[i], y[j]]);
  return { x, y, points };
}

function increasing(fn: string, name: string, v: ArrayLike<number>): number[] {
  const a = Array.from(assertArray(fn, name, v));
  if (a.length < 2) throw new Error(`${fn}: ${name} needs at least 2 grid coordinates; received ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || (i > 0 && !(a[i] > a[i - 1]))) {
      throw new Error(`${fn}: ${name} must be finite and strictly increasing; entry ${i} is ${a[i]}`);
    }
  }
  return a;
}

/** Check a grid's layout (lengths, increasing coordinates) and flatten its values. */
export function checkGrid(fn: string, grid: Grid2D): CheckedGrid {
  if (!grid || typeof grid !== 'object') throw new Error(`${fn}: grid must be { x, y, values }; received ${describe(grid)}`);
  const x = increasing(fn, 'grid.x', grid.x);
  const y = increasing(fn, 'grid.y', grid.y);
  const v = assertArray(fn, 'grid.values', grid.values as unknown);
  const nx = x.length;
  const ny = y.length;
  let values: number[];
  if (v.length > 0 && typeof v[0] === 'object') {
    const rows = grid.values as ReadonlyArray<ArrayLike<number>>;
    if (rows.length !== ny) throw new Error(`${fn}: grid.values must have ny = ${ny} rows (values[j][i] at (x[i], y[j])); received ${rows.length} rows`);
    values = [];
    rows.forEach((r, j) => {
      const row = assertArray(fn, `grid.values[${j}]`, r);
      if (row.length !== nx) throw new Error(`${fn}: grid.values[${j}] must have nx = ${nx} entries; received ${row.length}`);
      for (let i = 0; i < nx; i++) values.push(row[i]);
    });
  } else {
    if (v.length !== nx * ny) throw new Error(`${fn}: flat grid.values must have ny * nx = ${ny} * ${nx} = ${nx * ny} entries; received ${v.length}`);
    values = Array.from(v);
  }
  return { x, y, values };
}

/** Check evenly spaced coordinates (relative tolerance 1e-4 of the step). */
export function checkUniform(fn: string, name: string, c: number[]): void {
  const step = (c[c.length - 1] - c[0]) / (c.length - 1);
  for (let i = 1; i < c.length; i++) {
    if (Math.abs(c[i] - c[i - 1] - step) > 1e-4 * step) {
      throw new Error(`${fn}: ${name} must be evenly spaced (step ${step}); step ${i} is ${c[i] - c[i - 1]}`);
    }
  }
}

/** Cell edges around grid coordinates: midpoints between nodes, half a step beyond the ends. */
export function cellEdges(c: number[]): number[] {
  const n = c.length;
  const e = [c[0] - (c[1] - c[0]) / 2];
  for (let i = 1; i < n; i++) e.push((c[i - 1] + c[i]) / 2);
  e.push(c[n - 1] + (c[n - 1] - c[n - 2]) / 2);
  return e;
}

/**
 * Convert grid values between density and log density for display. Log values are clipped
 * below at `max - logRange` so that far tails do not stretch the colour scale; zero densities
 * become that floor. Non-finite inputs stay NaN (drawn as empty cells).
 */
export function convertDensity(
  fn: string,
  values: number[],
  input: 'density' | 'logDensity',
  output: 'density' | 'logDensity',
  logRange = 20,
): number[] {
  if (input !== 'density' && input !== 'logDensity') throw new Error(`${fn}: input must be 'density' or 'logDensity'; received ${String(input)}`);
  if (output !== 'density' && output !== 'logDensity') throw new Error(`${fn}: show must be 'density' or 'logDensity'; received ${String(output)}`);
  let logs: number[];
  if (input === 'density') {
    values.forEach((v, i) => {
      if (v < 0) throw new Error(`${fn}: densities must be >= 0; value ${i} is ${v} (pass input: 'logDensity' for log densities)`);
    });
    if (output === 'density') return values.map((v) => (Number.isFinite(v) ? v : NaN));
    logs = values.map((v) => (Number.isNaN(v) || v === Infinity ? NaN : Math.log(v)));
  } else {
    logs = values.map((v) => (Number.isNaN(v) || v === Infinity ? NaN : v));
  }
  let max = -Infinity;
  for (const v of logs) if (v > max) max = v;
  if (!Number.isFinite(max)) throw new Error(`${fn}: grid has no finite positive density`);
  if (output === 'density') return logs.map((v) => (Number.isNaN(v) ? NaN : Math.exp(v - max)));
  return logs.map((v) => (Number.isNaN(v) ? NaN : Math.max(v, max - logRange)));
}
