/**
 * How an approximate posterior's draws differ from reference draws, per parameter, in the two
 * numbers that explain most of a classifier two-sample accuracy: the shift of the mean in
 * reference standard deviations, and the ratio of the standard deviations (above 1: the
 * approximation is under-confident, below 1: over-confident). A C2ST says how far apart two
 * sample sets are; these say in which direction.
 */
import { readRows, type RowsInput } from '../../rows.js';

export interface MomentMismatch {
  /** (mean of draws - mean of reference) / sd of reference, per parameter. */
  meanShift: number[];
  /** sd of draws / sd of reference, per parameter. */
  sdRatio: number[];
}

/** Compare the per-parameter means and standard deviations of `draws` with those of `reference` (same width). */
export function momentMismatch(draws: RowsInput, reference: RowsInput): MomentMismatch {
  const p = readRows('momentMismatch', 'draws', draws);
  const q = readRows('momentMismatch', 'reference', reference);
  if (p.width !== q.width) throw new Error(`momentMismatch: draws have ${p.width} columns but reference has ${q.width}`);
  if (p.rows < 2 || q.rows < 2) throw new Error(`momentMismatch: need at least 2 rows in each set; received ${p.rows} and ${q.rows}`);
  const moments = (v: ArrayLike<number>, rows: number, j: number, width: number) => {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += v[i * width + j];
    mean /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (v[i * width + j] - mean) ** 2;
    return { mean, sd: Math.sqrt(ss / (rows - 1)) };
  };
  const meanShift: number[] = [];
  const sdRatio: number[] = [];
  for (let j = 0; j < p.width; j++) {
    const a = moments(p.values, p.rows, j, p.width);
    const b = moments(q.values, q.rows, j, q.width);
    if (!(b.sd > 0)) throw new Error(`momentMismatch: reference column ${j} has zero spread`);
    meanShift.push((a.mean - b.mean) / b.sd);
    sdRatio.push(a.sd / b.sd);
  }
  return { meanShift, sdRatio };
}
