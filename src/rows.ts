/**
 * The one host-side matrix type: {@link Rows}, row-major numbers with their width. Simulation
 * (`simulateDataset`), NPE, ABC, the diagnostics and feature modules all take it; every function
 * that takes rows also accepts an array of rows or a [rows, width] tensor ({@link RowsInput}),
 * read once by {@link readRows}.
 */
import * as tf from '@tensorflow/tfjs';

/** A row-major matrix on the host: `values` holds `values.length / width` rows of `width` numbers. */
export interface Rows {
  readonly values: ArrayLike<number>;
  readonly width: number;
}

/** Rows as a {@link Rows} object, an array of rows (`number[][]`, readonly or typed), or a [rows, width] tensor. */
export type RowsInput = Rows | ReadonlyArray<ArrayLike<number>> | tf.Tensor2D;

/** Rows read and checked: float64 values with their row count. */
export interface CheckedRows extends Rows {
  readonly values: Float64Array;
  readonly rows: number;
}

/** The row count of a row-major n x width array, checked (n inferred when omitted). */
export function rowCount(fn: string, values: ArrayLike<number>, width: number, n?: number): number {
  const rows = n ?? values.length / width;
  if (!Number.isInteger(rows) || rows < 0 || values.length !== rows * width) {
    throw new Error(
      `${fn}: expected ${values instanceof Float64Array ? 'a Float64Array' : 'an array'} of n x ${width} = ${n === undefined ? 'n' : n} x ${width} values (row-major); received length ${values.length}`,
    );
  }
  return rows;
}

/** True for a {@link Rows} object ({ values, width }). */
export function isRows(input: unknown): input is Rows {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && 'values' in input && 'width' in input;
}

/**
 * Read rows into float64 (checked: every row of an array has the same length, a flat array is a
 * whole number of rows, the width matches `width` when given, at least one row unless
 * `allowEmpty`). Errors name `where` and `name`.
 */
export function readRows(where: string, name: string, input: RowsInput, width?: number, options: { allowEmpty?: boolean } = {}): CheckedRows {
  let out: CheckedRows;
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2) throw new Error(`${where}: ${name} must be a [rows, width] tensor; received shape [${input.shape.join(', ')}]`);
    out = { values: Float64Array.from(input.dataSync()), rows: input.shape[0], width: input.shape[1] };
  } else if (Array.isArray(input)) {
    const rows = input as ReadonlyArray<ArrayLike<number>>;
    const w = rows[0]?.length ?? 0;
    const values = new Float64Array(rows.length * w);
    rows.forEach((row, i) => {
      if (row === null || typeof row !== 'object' || row.length !== w) {
        throw new Error(`${where}: ${name} rows must all have ${w} entries (the length of row 0); row ${i} has ${row === null || typeof row !== 'object' ? typeof row : row.length}`);
      }
      for (let j = 0; j < w; j++) values[i * w + j] = row[j];
    });
    out = { values, rows: rows.length, width: w };
  } else if (isRows(input)) {
    const { values, width: w } = input;
    if (!(Number.isInteger(w) && w >= 1) || values.length % w !== 0) {
      throw new Error(`${where}: ${name} has ${values.length} values, not a multiple of its width ${w}`);
    }
    out = { values: values instanceof Float64Array ? values : Float64Array.from(values), rows: values.length / w, width: w };
  } else {
    throw new Error(`${where}: ${name} must be { values, width }, an array of rows, or a [rows, width] tensor; received ${input === null ? 'null' : typeof input}`);
  }
  if (!options.allowEmpty && (out.rows === 0 || out.width === 0)) throw new Error(`${where}: ${name} is empty (${out.rows} rows of width ${out.width})`);
  if (width !== undefined && out.width !== width && out.rows > 0) throw new Error(`${where}: ${name} must have width ${width}; received width ${out.width}`);
  return out;
}

/** The rows [start, start + count) as a float32 tensor (all rows by default). */
export function rowsTensor(m: CheckedRows, start = 0, count = m.rows - start): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.values.subarray(start * m.width, (start + count) * m.width)), [count, m.width]);
}

/** The listed rows of a row-major matrix, as a new array of the same kind. */
export function selectRows<T extends Float32Array | Float64Array>(values: T, width: number, rows: ArrayLike<number>): T {
  const out = new (values.constructor as new (n: number) => T)(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(values.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  return out;
}

/** True for a flat array of numbers (not rows, not a tensor, not `{ values, width }`). */
export function isFlat(input: RowsInput | ArrayLike<number>): input is ArrayLike<number> {
  return !(input instanceof tf.Tensor) && !isRows(input) && !(Array.isArray(input) && input.length > 0 && typeof input[0] === 'object');
}

/**
 * {@link readRows}, also for a flat row-major array, whose width is then required (`dimName`
 * names the option that gives it, for the error).
 */
export function readRowsOrFlat(where: string, name: string, dimName: string, input: RowsInput | ArrayLike<number>, width?: number, options: { allowEmpty?: boolean } = {}): CheckedRows {
  if (!isFlat(input)) return readRows(where, name, input, width, options);
  if (!width) throw new Error(`${where}: ${name} is flat, so ${dimName} is required`);
  return readRows(where, name, { values: input, width }, width, options);
}

/**
 * Run `fn` on rows as a [rows, width] tensor: a tensor is passed as it is; an array of rows,
 * `{ values, width }` or a flat array (rows of `width` values, one row when it has `width`) is
 * uploaded for the call and disposed after it.
 */
export function withTensor2D<T>(where: string, name: string, input: RowsInput | ArrayLike<number>, width: number, fn: (t: tf.Tensor2D) => T): T {
  if (input instanceof tf.Tensor) return fn(input as tf.Tensor2D);
  const t = rowsTensor(readRowsOrFlat(where, name, 'its width', input, width));
  try {
    return fn(t);
  } finally {
    t.dispose();
  }
}
