import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '../../src/distributions/distribution.js';

export interface QuadratureResult {
  /** Integral of the density over the box. */
  mass: number;
  /** Integral of x_k p(x) and x_k^2 p(x) per dimension (first and second moments). */
  mean: number[];
  second: number[];
  /** Estimated integration error of `mass` left after refinement (see `integrateDensity`). */
  errorEstimate: number;
  /** Density evaluations used, starting grid included. */
  evaluations: number;
}

export interface QuadratureOptions {
  /** Refine until the estimated error of the mass is at most this (default 1e-3). */
  tolerance?: number;
  /** Most density evaluations the refinement may add (default: as many as the starting grid has). */
  maxRefinementEvaluations?: number;
  /** Most refinement rounds, at most 255 (default 12: cells down to 3^-12 of the starting spacing). */
  maxRounds?: number;
  /**
   * Draws from `dist`, rows of `dim` numbers, that show where its mass is (see
   * {@link integrateDensity}). They only choose where to evaluate the density.
   */
  samples?: number[][];
  /** Most rounds of the draws' splitting (default 6), within the same evaluation budget (the n evaluations at the draws are not counted against it). */
  maxSampleRounds?: number;
}

/** A cell is split when its area x |f(draw) - f(centre)| exceeds this fraction of the tolerance (0.01 and 0.002 did no better on the ridge above). */
const SAMPLE_SHARE = 0.05;

/**
 * Leaf cells of the refinement, `count` of them, in arrays that grow by doubling: centres
 * [n, dim]; levels [n, dim], the times each axis was split (width along axis k = starting width /
 * 3^level); the density at the centre; indicators [n, dim], the estimated error of the cell's
 * midpoint value along each axis.
 */
class Cells {
  count = 0;
  centres: Float64Array;
  levels: Uint8Array;
  density: Float64Array;
  indicator: Float64Array;

  constructor(readonly dim: number, capacity: number) {
    this.centres = new Float64Array(capacity * dim);
    this.levels = new Uint8Array(capacity * dim);
    this.density = new Float64Array(capacity);
    this.indicator = new Float64Array(capacity * dim);
  }

  /** Room for `extra` more cells. */
  reserve(extra: number): void {
    const needed = this.count + extra;
    if (needed <= this.density.length) return;
    const capacity = Math.max(needed, 2 * this.density.length);
    const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T, per: number): T => {
      const b = make(capacity * per);
      b.set(a.subarray(0, this.count * per));
      return b;
    };
    this.centres = grow(this.centres, (n) => new Float64Array(n), this.dim);
    this.levels = grow(this.levels, (n) => new Uint8Array(n), this.dim);
    this.density = grow(this.density, (n) => new Float64Array(n), 1);
    this.indicator = grow(this.indicator, (n) => new Float64Array(n), this.dim);
  }

  /** Area (length in 1-D) of cell c, given the starting grid's cell area: each split divides it by 3. */
  area(startArea: number, c: number): number {
    const splits = this.dim === 1 ? this.levels[c] : this.levels[2 * c] + this.levels[2 * c + 1];
    return splits === 0 ? startArea : startArea / 3 ** splits;
  }
}

/**
 * Adaptive midpoint-rule integration of exp(logProb) over a box in 1-D or 2-D.
 *
 * It starts from a grid of `points` cells per axis and refines where that grid does not resolve
 * the density: a flow whose samples reach far out (heavy tails) needs a box much wider than its
 * core, and a uniform grid on such a box can step over a core narrower than one cell (a
 * MAF-Permutation-RealNVP chain with weights perturbed by 0.5 has a ridge about 0.3 high on a
 * box 187 high; 300 cells per axis gave mass 0.88, 2400 gave 1.000). Every cell carries an error
 * indicator per axis. On the starting grid it is the midpoint error model along that axis: cell
 * area x |second difference of the density| / 8 (three times the asymptotic 1/24, as a margin
 * where the grid is too coarse for the model to hold). Refining splits a cell in three along one
 * axis (the middle third keeps the parent's evaluation), so that a ridge narrow in one direction
 * costs two evaluations per cell, not eight; the split axis's indicator becomes 3/8 x |mean of the
 * three values - the parent's value| x the parent's area (by Richardson, the error left after the
 * split is an eighth of that difference in the asymptotic regime; 3 is the same margin), the other
 * axis's indicator is kept, both shared among the three. Each round splits the (cell, axis) pairs
 * with the largest indicators (a cell along its worse axis only) until the indicators left sum to
 * at most `tolerance` or the evaluation budget is spent, and returns that sum as `errorEstimate`.
 * A feature that falls between the starting grid's midpoints entirely is beyond any such
 * estimate, and such features occur: a thin ridge that the starting grid's midpoints hit in some
 * cells (overweighting them) and miss in others (the draw of Chain(MAF, Permutation, RealNVP) with
 * CI's commit seed 112131195: 1.154 on the plain 300 x 300 grid, 0.933 after refinement, 1.000
 * from 2400 cells per axis). Draws from the density see it (`samples`): the density is evaluated
 * at every draw, and before the error-driven rounds a cell whose draws' densities differ from its
 * centre's by more than {@link SAMPLE_SHARE} x `tolerance` / its area is split in three along every
 * axis (the centre child keeps the evaluation; the children's indicators are the starting grid's,
 * on their 3 x 3 block), and so on in the children that hold draws, for up to `maxSampleRounds`
 * rounds, sharing the evaluation budget. In the first round the neighbours of a split cell are
 * split too, since a ridge runs on through cells that hold no draw. That draw then gives 0.994.
 * The draws only choose where the density is evaluated: mass and moments come from the density
 * alone, so a density that disagrees with its own sampler is still caught. Evaluation runs in
 * chunks so that memory stays bounded; `context` (one row) is shared by every point.
 */
export function integrateDensity(
  dist: Distribution,
  box: [number, number][],
  points: number,
  context?: tf.Tensor2D,
  options: QuadratureOptions = {},
): QuadratureResult {
  const dim = box.length;
  if (dim !== 1 && dim !== 2) throw new Error(`integrateDensity: 1-D or 2-D only; received a box of ${dim} dimensions`);
  const tolerance = options.tolerance ?? 1e-3;
  const budget = options.maxRefinementEvaluations ?? points ** dim;
  const maxRounds = options.maxRounds ?? 12;
  // A cell's split counts are bytes.
  if (!(maxRounds >= 0 && maxRounds <= 255)) throw new Error(`integrateDensity: maxRounds must be in [0, 255]; received ${maxRounds}`);
  const width = box.map(([a, b]) => (b - a) / points);
  const total = points ** dim;
  const cells = new Cells(dim, total);
  cells.count = total;
  for (let i1 = 0; i1 < (dim === 2 ? points : 1); i1++) {
    for (let i0 = 0; i0 < points; i0++) {
      const idx = i1 * points + i0;
      cells.centres[idx * dim] = box[0][0] + (i0 + 0.5) * width[0];
      if (dim === 2) cells.centres[idx * dim + 1] = box[1][0] + (i1 + 0.5) * width[1];
    }
  }
  cells.density.set(evaluate(dist, cells.centres, dim, context));
  const startArea = width.reduce((p, w) => p * w, 1);
  cells.indicator.set(gridIndicator(cells.density, points, dim, startArea));
  let added = options.samples ? splitWhereDrawsDisagree(dist, cells, options.samples, box, points, width, startArea, budget, options.maxSampleRounds ?? 6, tolerance, context) : 0;
  for (let round = 0; round < maxRounds; round++) {
    const splits = splitsToMake(cells, tolerance, Math.floor((budget - added) / 2));
    if (splits.length === 0) break;
    split(dist, cells, splits, width, startArea, context);
    added += 2 * splits.length;
  }
  let mass = 0;
  let errorEstimate = 0;
  const mean = new Float64Array(dim);
  const second = new Float64Array(dim);
  for (let c = 0; c < cells.count; c++) {
    const p = cells.density[c] * cells.area(startArea, c);
    mass += p;
    for (let j = 0; j < dim; j++) {
      errorEstimate += cells.indicator[c * dim + j];
      const v = cells.centres[c * dim + j];
      mean[j] += v * p;
      second[j] += v * v * p;
    }
  }
  return { mass, mean: Array.from(mean), second: Array.from(second), errorEstimate, evaluations: total + added + (options.samples?.length ?? 0) };
}

/**
 * The draws' rounds of {@link integrateDensity}: split every cell whose draws show a density its
 * centre misses (see there) into 3^dim children, at most `budget` evaluations in all; returns the
 * evaluations made (besides the n at the draws).
 */
function splitWhereDrawsDisagree(
  dist: Distribution,
  cells: Cells,
  samples: number[][],
  box: [number, number][],
  points: number,
  width: number[],
  startArea: number,
  budget: number,
  maxRounds: number,
  tolerance: number,
  context?: tf.Tensor2D,
): number {
  const dim = cells.dim;
  const n = samples.length;
  // The leaf cell of each draw (-1: outside the box).
  const cellOf = new Int32Array(n);
  samples.forEach((x, s) => {
    let idx = 0;
    for (let j = dim - 1; j >= 0; j--) {
      const i = Math.floor((x[j] - box[j][0]) / width[j]);
      if (!(i >= 0 && i < points)) return void (cellOf[s] = -1);
      idx = idx * points + i;
    }
    cellOf[s] = idx;
  });
  const atDraws = evaluate(dist, Float64Array.from(samples.flat()), dim, context);
  const threshold = tolerance * SAMPLE_SHARE;
  const children = 3 ** dim;
  let added = 0;
  for (let round = 0; round < maxRounds; round++) {
    // Per cell, the largest |f(draw) - f(centre)| over its draws, times its area.
    const spread = new Float64Array(cells.count);
    for (let s = 0; s < n; s++) {
      const c = cellOf[s];
      if (c >= 0) spread[c] = Math.max(spread[c], Math.abs(atDraws[s] - cells.density[c]));
    }
    const flagged: { cell: number; excess: number }[] = [];
    for (let c = 0; c < cells.count; c++) {
      const excess = spread[c] * cells.area(startArea, c);
      if (excess > threshold) flagged.push({ cell: c, excess });
    }
    if (round === 0) {
      // A thin ridge runs on through cells that hold no draw: flag the starting grid's neighbours too.
      const isFlagged = new Uint8Array(cells.count);
      for (const { cell } of flagged) isFlagged[cell] = 1;
      const rows = dim === 1 ? 1 : points;
      for (const { cell, excess } of [...flagged]) {
        const i0 = cell % points;
        const i1 = Math.floor(cell / points);
        for (let d1 = dim === 1 ? 0 : -1; d1 <= (dim === 1 ? 0 : 1); d1++) {
          for (let d0 = -1; d0 <= 1; d0++) {
            const j0 = i0 + d0;
            const j1 = i1 + d1;
            if (j0 < 0 || j0 >= points || j1 < 0 || j1 >= rows) continue;
            const nb = j1 * points + j0;
            if (!isFlagged[nb]) {
              isFlagged[nb] = 1;
              flagged.push({ cell: nb, excess: excess / 2 });
            }
          }
        }
      }
    }
    const affordable = Math.max(0, Math.floor((budget - added) / (children - 1)));
    if (flagged.length > affordable) flagged.sort((a, b) => b.excess - a.excess).length = affordable;
    if (flagged.length === 0) break;
    // Children in grid order (axis 0 fastest), offsets -1, 0, 1 child widths from the parent's centre.
    const offsets = Array.from({ length: children }, (_, k) => (dim === 1 ? [k - 1] : [(k % 3) - 1, Math.floor(k / 3) - 1]));
    const centre = dim === 1 ? 1 : 4;
    const fresh = new Float64Array(flagged.length * (children - 1) * dim);
    const steps = flagged.map(({ cell }) => Array.from({ length: dim }, (_, j) => width[j] / 3 ** (cells.levels[cell * dim + j] + 1)));
    flagged.forEach(({ cell }, f) => {
      let at = f * (children - 1);
      offsets.forEach((o, k) => {
        if (k === centre) return;
        for (let j = 0; j < dim; j++) fresh[at * dim + j] = cells.centres[cell * dim + j] + o[j] * steps[f][j];
        at++;
      });
    });
    const freshDensity = evaluate(dist, fresh, dim, context);
    added += freshDensity.length;
    cells.reserve(freshDensity.length);
    const slotOf = new Map<number, number[]>();
    flagged.forEach(({ cell }, f) => {
      for (let j = 0; j < dim; j++) cells.levels[cell * dim + j]++;
      const block = new Float64Array(children);
      const slots: number[] = [];
      let next = f * (children - 1);
      offsets.forEach((o, k) => {
        if (k === centre) {
          block[k] = cells.density[cell];
          slots.push(cell);
          return;
        }
        const at = cells.count++;
        for (let j = 0; j < dim; j++) {
          cells.centres[at * dim + j] = fresh[next * dim + j];
          cells.levels[at * dim + j] = cells.levels[cell * dim + j];
        }
        cells.density[at] = block[k] = freshDensity[next++];
        slots.push(at);
      });
      const indicator = gridIndicator(block, 3, dim, cells.area(startArea, cell));
      slots.forEach((slot, k) => cells.indicator.set(indicator.subarray(k * dim, k * dim + dim), slot * dim));
      slotOf.set(cell, slots);
    });
    // The flagged cells' draws move to the child they fall in.
    samples.forEach((x, s) => {
      const slots = slotOf.get(cellOf[s]);
      if (!slots) return;
      const parent = cellOf[s];
      let k = 0;
      for (let j = dim - 1; j >= 0; j--) {
        const step = width[j] / 3 ** cells.levels[parent * dim + j];
        const o = Math.max(-1, Math.min(1, Math.round((x[j] - cells.centres[parent * dim + j]) / step)));
        k = k * 3 + (o + 1);
      }
      cellOf[s] = slots[k];
    });
  }
  return added;
}

/**
 * Densities at the rows of `points` [n, dim], in chunks. A non-finite density (NaN, or overflow
 * to Infinity) counts as 0, as the plain midpoint sum skipped it.
 */
function evaluate(dist: Distribution, points: Float64Array, dim: number, context?: tf.Tensor2D): Float64Array {
  const n = points.length / dim;
  const out = new Float64Array(n);
  const chunk = 20000;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const x = tf.tensor2d(new Float32Array(points.subarray(start * dim, (start + rows) * dim)), [rows, dim]);
    const lp = context ? dist.logProb(x, context) : dist.logProb(x);
    const logp = lp.dataSync();
    tf.dispose([x, lp]);
    for (let k = 0; k < rows; k++) {
      const p = Math.exp(logp[k]);
      out[start + k] = Number.isFinite(p) ? p : 0;
    }
  }
  return out;
}

/**
 * The starting grid's error indicators [n, dim]: area x |f(c + h) - 2 f(c) + f(c - h)| / 8 along
 * each axis (the midpoint rule's error is area x h^2 f'' / 24 per axis, with a margin of 3); at
 * the box's edge, where one neighbour is missing, the first difference |f(c ± h) - f(c)| instead.
 */
function gridIndicator(f: Float64Array, points: number, dim: number, area: number): Float64Array {
  const out = new Float64Array(f.length * dim);
  const rows = dim === 1 ? 1 : points;
  for (let k = 0; k < dim; k++) {
    // Along axis 0 neighbours are 1 apart within a row; along axis 1, a row (points) apart.
    const stride = k === 0 ? 1 : points;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < points; i++) {
        const idx = k === 0 ? r * points + i : i * points + r;
        const lo = i > 0 ? f[idx - stride] : f[idx + stride];
        const hi = i < points - 1 ? f[idx + stride] : f[idx - stride];
        const d = i > 0 && i < points - 1 ? Math.abs(hi - 2 * f[idx] + lo) : Math.abs(lo - f[idx]);
        out[idx * dim + k] = (area * d) / 8;
      }
    }
  }
  return out;
}

/**
 * The splits to make, as (cell, axis) pairs, none when the indicators sum to at most `tolerance`:
 * a cell along its worse axis, when that axis's indicator is at least t, with t the smallest
 * indicator that the ones below it (summed from the smallest up) cannot stay within half the
 * tolerance with (the fewest splits that leave the rest within it); when more than `maxSplits`,
 * the `maxSplits` largest. t is found from a histogram of the indicators' binary exponents (one
 * pass), then a sort of its one straddling bin only.
 */
function splitsToMake(cells: Cells, tolerance: number, maxSplits: number): { cell: number; axis: number; size: number }[] {
  const values = cells.indicator.subarray(0, cells.count * cells.dim);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  if (total <= tolerance || maxSplits <= 0) return [];
  // The cells left alone get half the tolerance, the split ones' new indicators the rest: aiming
  // at the tolerance itself would approach it in many rounds of a few splits each.
  const target = tolerance / 2;
  // Bins by floor(log2 v), from 2^-1100 (and 0) up; the bins below `bin` sum to `below`.
  const offset = 1100;
  const bins = new Float64Array(offset + 1100);
  const binOf = (v: number) => (v > 0 ? Math.max(0, Math.floor(Math.log2(v)) + offset) : 0);
  for (let i = 0; i < values.length; i++) bins[binOf(values[i])] += values[i];
  let bin = 0;
  let below = 0;
  while (bin < bins.length && below + bins[bin] <= target) below += bins[bin++];
  const straddling = values.filter((v) => binOf(v) === bin).sort();
  let k = 0;
  while (k < straddling.length && below + straddling[k] <= target) below += straddling[k++];
  // Past the end only when rounding made the bins' sum differ from `total`: nothing left to split.
  if (k === straddling.length) return [];
  const threshold = straddling[k];
  const dim = cells.dim;
  const splits: { cell: number; axis: number; size: number }[] = [];
  for (let c = 0; c < cells.count; c++) {
    let axis = 0;
    for (let j = 1; j < dim; j++) if (values[c * dim + j] > values[c * dim + axis]) axis = j;
    const size = values[c * dim + axis];
    if (size >= threshold) splits.push({ cell: c, axis, size });
  }
  if (splits.length > maxSplits) splits.sort((a, b) => b.size - a.size).length = maxSplits;
  return splits;
}

/**
 * Split each chosen cell in three along its axis: the middle third keeps the cell's slot and
 * evaluation, the outer two are evaluated and appended. The split axis's indicator becomes 3/8 x
 * |mean of the three - the parent's value| x the parent's area, the other axis's is kept, both
 * divided among the three.
 */
function split(dist: Distribution, cells: Cells, splits: { cell: number; axis: number }[], width: number[], startArea: number, context?: tf.Tensor2D): void {
  const dim = cells.dim;
  const fresh = new Float64Array(splits.length * 2 * dim);
  splits.forEach(({ cell, axis }, n) => {
    const step = width[axis] / 3 ** (cells.levels[cell * dim + axis] + 1);
    for (let side = 0; side < 2; side++) {
      for (let j = 0; j < dim; j++) fresh[(2 * n + side) * dim + j] = cells.centres[cell * dim + j] + (j === axis ? (side === 0 ? -step : step) : 0);
    }
  });
  const freshDensity = evaluate(dist, fresh, dim, context);
  cells.reserve(2 * splits.length);
  splits.forEach(({ cell, axis }, n) => {
    const parent = cells.density[cell];
    const [lo, hi] = [freshDensity[2 * n], freshDensity[2 * n + 1]];
    const difference = (3 * Math.abs((lo + parent + hi) / 3 - parent) * cells.area(startArea, cell)) / 8;
    cells.levels[cell * dim + axis]++;
    for (let j = 0; j < dim; j++) cells.indicator[cell * dim + j] = (j === axis ? difference : cells.indicator[cell * dim + j]) / 3;
    for (let side = 0; side < 2; side++) {
      const at = cells.count++;
      for (let j = 0; j < dim; j++) {
        cells.centres[at * dim + j] = fresh[(2 * n + side) * dim + j];
        cells.levels[at * dim + j] = cells.levels[cell * dim + j];
        cells.indicator[at * dim + j] = cells.indicator[cell * dim + j];
      }
      cells.density[at] = side === 0 ? lo : hi;
    }
  });
}
