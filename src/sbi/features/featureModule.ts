/**
 * Feature modules: fixed transforms of raw observations (summary statistics, log or asinh scales)
 * that a posterior holds in front of its standardizer and embedding. They are modules (registered,
 * saved in the model's config, rebuilt on loading) with no variables, so a saved posterior maps a
 * raw observation to its features by itself: `posterior.sample(rawSeries, n, seed)` needs nothing
 * but the file. They run on the host in float64 (sorting, quantiles and regressions are not tensor
 * operations), once per observation, and are not differentiated through.
 */
import * as tf from '@tensorflow/tfjs';
import { Module } from '../../module.js';
import type { ModuleConfig } from '../../io/registry.js';
import { readRows, type CheckedRows, type RowsInput } from '../../rows.js';

/** A fixed map from rows of width `inputDim` to rows of width `outputDim` (see the module comment). */
export abstract class FeatureModule extends Module {
  abstract readonly inputDim: number;
  abstract readonly outputDim: number;

  /** The features of n rows: row-major n x inputDim in, a new n x outputDim array out. */
  abstract transformRows(values: Float64Array, n: number): Float64Array;

  abstract toConfig(): ModuleConfig;

  /** The features of rows given in any {@link RowsInput} form (checked against inputDim). */
  transform(input: RowsInput): CheckedRows {
    const x = readRows(`${this.constructor.name}.transform`, 'x', input, this.inputDim);
    return { values: this.transformRows(x.values, x.rows), rows: x.rows, width: this.outputDim };
  }

  /** The features of a [rows, inputDim] tensor, as a float32 tensor (computed on the host). */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const f = this.transform(x);
    return tf.tensor2d(Float32Array.from(f.values), [f.rows, f.width]);
  }
}

/** Positive integer check shared by the feature modules' constructors. */
export function checkWidth(where: string, name: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) throw new Error(`${where}: ${name} must be a positive integer; received ${String(v)}`);
  return v;
}
