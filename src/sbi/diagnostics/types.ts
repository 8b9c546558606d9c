/**
 * The plain-array inputs the diagnostics accept, and {@link posteriorFromDistribution}, which
 * makes any conditional {@link Distribution} (a conditional flow) an {@link AmortizedPosterior}
 * (the interface the diagnostics check, defined with the posteriors in `sbi/npe/types.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '../../distributions/distribution.js';
import type { AmortizedPosterior } from '../npe/types.js';

/**
 * A conditional distribution (e.g. a conditional flow q(θ | x) from `src/flows/builders.ts`,
 * trained with `fitFlow(flow, theta, { context: x })`) as an {@link AmortizedPosterior}.
 */
export function posteriorFromDistribution(distribution: Distribution): AmortizedPosterior {
  if (!(distribution.contextDim > 0)) {
    throw new Error(`posteriorFromDistribution: the distribution must be conditional (contextDim > 0); received contextDim ${distribution.contextDim}`);
  }
  return {
    sample: (xo, n, seed) => distribution.sample(n, { context: xo, seed }),
    logProb: (theta, xo) => distribution.logProb(theta, xo),
  };
}

/** Rows of numbers: a [rows, width] tensor, an array of rows, or a row-major array with its width. */
export type MatrixInput = tf.Tensor2D | ReadonlyArray<ArrayLike<number>> | { values: ArrayLike<number>; width: number };

/** A matrix read into row-major float64 values. */
export interface Matrix {
  values: Float64Array;
  rows: number;
  width: number;
}

/** Read a {@link MatrixInput} (checked: rectangular, non-empty, width when given). */
export function readMatrix(where: string, name: string, input: MatrixInput, width?: number): Matrix {
  let m: Matrix;
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2) throw new Error(`${where}: ${name} must be a [rows, width] tensor; received shape [${input.shape.join(', ')}]`);
    m = { values: Float64Array.from(input.dataSync()), rows: input.shape[0], width: input.shape[1] };
  } else if (Array.isArray(input)) {
    const rows = input as ReadonlyArray<ArrayLike<number>>;
    const w = rows[0]?.length ?? 0;
    const values = new Float64Array(rows.length * w);
    rows.forEach((row, i) => {
      if (row?.length !== w) throw new Error(`${where}: ${name} rows must all have ${w} entries; row ${i} has ${row?.length}`);
      for (let j = 0; j < w; j++) values[i * w + j] = row[j];
    });
    m = { values, rows: rows.length, width: w };
  } else if (input && typeof input === 'object' && 'values' in input && 'width' in input) {
    const { values, width: w } = input as { values: ArrayLike<number>; width: number };
    if (!(Number.isInteger(w) && w >= 1) || values.length % w !== 0) {
      throw new Error(`${where}: ${name} has ${values.length} values, not a multiple of its width ${w}`);
    }
    m = { values: Float64Array.from(values), rows: values.length / w, width: w };
  } else {
    throw new Error(`${where}: ${name} must be a [rows, width] tensor, an array of rows, or { values, width }; received ${typeof input}`);
  }
  if (m.rows === 0 || m.width === 0) throw new Error(`${where}: ${name} is empty (${m.rows} rows of width ${m.width})`);
  if (width !== undefined && m.width !== width) throw new Error(`${where}: ${name} must have width ${width}; received width ${m.width}`);
  return m;
}

/** The rows [start, start + count) of a matrix as a float32 tensor. */
export function rowsTensor(m: Matrix, start: number, count: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.values.subarray(start * m.width, (start + count) * m.width)), [count, m.width]);
}
