/**
 * Argument checks and small array utilities shared by the plot functions. Errors name the
 * function, what was expected and what was received, as everywhere in flowsbi.
 */

/** 2-D points: rows `[[x, y], ...]` (e.g. `tensor.arraySync()`) or columns `{ x, y }`. */
export type Points2D = ReadonlyArray<ArrayLike<number>> | { x: ArrayLike<number>; y: ArrayLike<number> };

/** Short description of a received value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object' && 'shape' in v && 'dtype' in v) return 'a tensor (pass plain arrays: tensor.arraySync())';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<number>).length}`;
  return typeof v === 'number' ? String(v) : typeof v;
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** Check `v` is an array or typed array; returns it. */
export function assertArray(fn: string, name: string, v: unknown): ArrayLike<number> {
  if (!isArrayLike(v)) throw new Error(`${fn}: ${name} must be an array of numbers; received ${describe(v)}`);
  return v;
}

/** Check a number lies in [lo, hi] (an integer when `integer`). */
export function assertNumber(fn: string, name: string, v: unknown, lo: number, hi: number, integer = false): number {
  if (typeof v !== 'number' || !(v >= lo && v <= hi) || (integer && !Number.isInteger(v))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new Error(`${fn}: ${name} must be ${kind} in [${lo}, ${hi}]; received ${describe(v)}`);
  }
  return v;
}

/** Columns of 2-D points; rows must have at least two entries and columns equal lengths. */
export function toColumns(fn: string, name: string, pts: Points2D): { x: number[]; y: number[] } {
  if (!pts || typeof pts !== 'object') throw new Error(`${fn}: ${name} must be rows [[x, y], ...] or columns { x, y }; received ${describe(pts)}`);
  if (!isArrayLike(pts)) {
    const x = assertArray(fn, `${name}.x`, (pts as { x: unknown }).x);
    const y = assertArray(fn, `${name}.y`, (pts as { y: unknown }).y);
    if (x.length !== y.length) throw new Error(`${fn}: ${name}.x and ${name}.y must have equal lengths; received ${x.length} and ${y.length}`);
    return { x: Array.from(x), y: Array.from(y) };
  }
  const rows = pts as ReadonlyArray<ArrayLike<number>>;
  const x = new Array<number>(rows.length);
  const y = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!isArrayLike(r) || r.length < 2) {
      throw new Error(`${fn}: ${name} must be rows [x, y] (shape [n, 2]); row ${i} is ${describe(r)}`);
    }
    x[i] = r[0];
    y[i] = r[1];
  }
  return { x, y };
}

/** Rows of an [n, d] matrix given as rows; checks every row has d entries. Returns d. */
export function matrixWidth(fn: string, name: string, rows: ReadonlyArray<ArrayLike<number>>, d?: number): number {
  if (!isArrayLike(rows) || rows.length === 0) throw new Error(`${fn}: ${name} must be a non-empty array of rows (shape [n, d]); received ${describe(rows)}`);
  const width = d ?? assertArray(fn, `${name}[0]`, rows[0]).length;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!isArrayLike(r) || r.length !== width) {
      throw new Error(`${fn}: ${name} must have shape [n, ${width}]; row ${i} is ${describe(r)}`);
    }
  }
  return width;
}

/**
 * At most `max` indices of [0, n), evenly spaced (deterministic thinning for overplotted
 * scatter plots; keeps the order and so any structure of the input).
 */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

/** [min, max] of the finite values, widened by `pad` (a fraction of the span) on both sides. */
export function paddedExtent(values: Iterable<number>, pad = 0.05): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  const span = hi - lo || Math.max(Math.abs(lo), 1);
  return [lo - pad * span, hi + pad * span];
}

/** Check an optional [lo, hi] domain. */
export function checkDomain(fn: string, name: string, d: unknown): [number, number] | undefined {
  if (d === undefined) return undefined;
  if (!isArrayLike(d) || d.length !== 2 || !(d[0] < d[1]) || !Number.isFinite(d[0]) || !Number.isFinite(d[1])) {
    throw new Error(`${fn}: ${name} must be [lo, hi] with finite lo < hi; received ${isArrayLike(d) ? `[${Array.from(d).join(', ')}]` : describe(d)}`);
  }
  return [d[0], d[1]];
}

/** Subtitle noting dropped non-finite values, or undefined when none were dropped. */
export function droppedNote(dropped: number, what = 'points'): string | undefined {
  return dropped > 0 ? `${dropped} non-finite ${what} not shown` : undefined;
}
