import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';

/**
 * Fixed z-scoring x ↦ (x - mean) / std per column, with statistics computed once (from training
 * data) and stored as non-trainable variables so that they are saved with the model. Columns with
 * zero spread get std 1 (they carry no information and must not blow up).
 */
export class Standardize extends Module {
  readonly dim: number;
  readonly mean: tf.Variable<tf.Rank.R1>;
  readonly std: tf.Variable<tf.Rank.R1>;

  constructor(options: { dim: number; mean?: number[]; std?: number[] }) {
    super();
    this.dim = options.dim;
    const mean = options.mean ?? new Array(options.dim).fill(0);
    const std = (options.std ?? new Array(options.dim).fill(1)).map((s) => (s > 1e-12 && Number.isFinite(s) ? s : 1));
    if (mean.length !== options.dim || std.length !== options.dim) {
      throw new Error(`Standardize: mean and std need ${options.dim} entries; received ${mean.length} and ${std.length}`);
    }
    this.mean = this.addVariable('mean', tf.tensor1d(mean), false);
    this.std = this.addVariable('std', tf.tensor1d(std), false);
  }

  /** Column means and standard deviations of rows (flat, row-major, `width` columns). */
  static statistics(values: ArrayLike<number>, width: number): { mean: number[]; std: number[] } {
    const n = values.length / width;
    const mean = new Array(width).fill(0);
    const sq = new Array(width).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j] += values[i * width + j];
    for (let j = 0; j < width; j++) mean[j] /= n;
    for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) sq[j] += (values[i * width + j] - mean[j]) ** 2;
    return { mean, std: sq.map((s) => Math.sqrt(s / Math.max(1, n - 1))) };
  }

  /** A standardizer fitted to rows of data. */
  static fit(values: ArrayLike<number>, width: number): Standardize {
    return new Standardize({ dim: width, ...Standardize.statistics(values, width) });
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.div(tf.sub(x, this.mean), this.std) as tf.Tensor2D);
  }

  toConfig(): ModuleConfig {
    return { type: 'Standardize', dim: this.dim };
  }
}

registerModule('Standardize', (c) => new Standardize({ dim: c.dim as number }));
