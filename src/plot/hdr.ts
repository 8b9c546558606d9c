/**
 * Highest-density-region thresholds of a gridded density: the density level t_m whose
 * super-level set {p >= t_m} holds probability mass m (cells weighted by their area), as in the
 * contours of corner plots (Hyndman 1996, "Computing and graphing highest density regions").
 */
import { cellEdges, type CheckedGrid } from './grid.js';

/**
 * Thresholds t_m for the masses m (each in (0, 1)), from densities `p` (>= 0, NaN ignored) on
 * the grid; the mass outside the grid is unknown and ignored, so the grid should cover the bulk.
 */
export function hdrThresholds(fn: string, grid: CheckedGrid, p: number[], masses: number[]): number[] {
  const xe = cellEdges(grid.x);
  const ye = cellEdges(grid.y);
  const nx = grid.x.length;
  const cells: { p: number; w: number }[] = [];
  let total = 0;
  p.forEach((v, k) => {
    if (!(v > 0)) return;
    const i = k % nx;
    const j = (k - i) / nx;
    const w = v * (xe[i + 1] - xe[i]) * (ye[j + 1] - ye[j]);
    cells.push({ p: v, w });
    total += w;
  });
  if (!(total > 0)) throw new Error(`${fn}: the density is zero (or not finite) on the whole grid`);
  cells.sort((a, b) => b.p - a.p);
  return masses.map((m, k) => {
    if (!(m > 0 && m < 1)) throw new Error(`${fn}: masses must lie in (0, 1); masses[${k}] is ${m}`);
    let cum = 0;
    for (const c of cells) {
      cum += c.w;
      if (cum >= m * total) return c.p;
    }
    return cells[cells.length - 1].p;
  });
}
