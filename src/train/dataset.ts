import * as tf from '@tensorflow/tfjs';
import { toRandom, type SeedLike } from '../random.js';
import { isRows, readRows, rowCount, selectRows, type RowsInput } from '../rows.js';

/** Rows of one variable: a {@link RowsInput} (kept under this name for existing callers). */
export type ColumnInput = RowsInput;

/** A column as a flat Float32Array. */
interface Column {
  values: Float32Array;
  width: number;
}

function toColumn(where: string, name: string, input: ColumnInput, expectedWidth?: number): Column {
  // Float32 inputs are taken as they are (no float64 round trip).
  if (isRows(input) && input.values instanceof Float32Array) {
    rowCount(`${where} (${name})`, input.values, input.width);
    if (expectedWidth !== undefined && input.width !== expectedWidth && input.values.length > 0) {
      throw new Error(`${where}: ${name} must have width ${expectedWidth}; received width ${input.width}`);
    }
    return { values: input.values, width: input.width };
  }
  const rows = readRows(where, name, input, expectedWidth, { allowEmpty: true });
  return { values: Float32Array.from(rows.values), width: rows.width };
}

export interface DatasetSplit {
  /** One [rows, width] tensor per column. */
  columns: tf.Tensor2D[];
  rows: number;
}

/**
 * Aligned columns of training data (for example theta and x) held on the backend.
 *
 * Rule for bad rows (documented behaviour): a row with NaN or ±Infinity in any column is dropped
 * and counted in `dropped`; it is not an error unless no row is left. Wrong widths, misaligned
 * columns and empty data are errors.
 */
export class TensorDataset {
  readonly rows: number;
  readonly widths: number[];
  /** Rows dropped because some value was not finite. */
  readonly dropped: number;
  private readonly columns: Column[];

  constructor(inputs: ColumnInput[], options: { where?: string; names?: string[]; widths?: (number | undefined)[] } = {}) {
    const where = options.where ?? 'TensorDataset';
    const names = options.names ?? inputs.map((_, i) => `column ${i}`);
    if (inputs.length === 0) throw new Error(`${where}: needs at least one column of data`);
    const columns = inputs.map((c, i) => toColumn(where, names[i], c, options.widths?.[i]));
    const rowCounts = columns.map((c) => (c.width > 0 ? c.values.length / c.width : 0));
    if (rowCounts.some((r) => r !== rowCounts[0])) {
      throw new Error(
        `${where}: ${names.slice(0, columns.length).join(' and ')} must have the same number of rows; received ${rowCounts.join(' and ')}`,
      );
    }
    const total = rowCounts[0];
    if (!(total > 0)) throw new Error(`${where}: the dataset is empty (0 rows)`);
    const keep: number[] = [];
    for (let r = 0; r < total; r++) {
      if (columns.every((c) => isFiniteRow(c, r))) keep.push(r);
    }
    if (keep.length === 0) throw new Error(`${where}: all ${total} rows contain NaN or Infinity; nothing to train on`);
    this.dropped = total - keep.length;
    this.columns = this.dropped === 0 ? columns : columns.map((c) => ({ values: selectRows(c.values, c.width, keep), width: c.width }));
    this.rows = keep.length;
    this.widths = columns.map((c) => c.width);
  }

  /** Seeded split into training and validation rows, uploaded as tensors. */
  split(validationFraction: number, seed?: SeedLike): { train: DatasetSplit; validation: DatasetSplit | null } {
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new Error(`TensorDataset.split: validationFraction must be in [0, 1); received ${validationFraction}`);
    }
    const order = toRandom(seed).permutation(this.rows);
    const nVal = Math.floor(this.rows * validationFraction);
    if (nVal > 0 && this.rows - nVal < 1) throw new Error(`TensorDataset.split: no training rows left after taking ${nVal} for validation`);
    const make = (idx: Int32Array): DatasetSplit => ({
      columns: this.columns.map((c) => {
        return tf.tensor2d(selectRows(c.values, c.width, idx), [idx.length, c.width]);
      }),
      rows: idx.length,
    });
    return {
      train: make(order.subarray(nVal)),
      validation: nVal > 0 ? make(order.subarray(0, nVal)) : null,
    };
  }
}

function isFiniteRow(c: Column, r: number): boolean {
  for (let j = 0; j < c.width; j++) if (!Number.isFinite(c.values[r * c.width + j])) return false;
  return true;
}

/** Dispose the tensors of a split. */
export function disposeSplit(split: DatasetSplit | null): void {
  if (split) tf.dispose(split.columns);
}
