import * as tf from '@tensorflow/tfjs';
import type { Dense } from './dense.js';
import { activate, type Activation } from './activation.js';

/** What the sampler needs of a MADE: its layers and the degrees of its hidden units. */
export interface MADEStructure {
  readonly dim: number;
  readonly paramsPerDim: number;
  readonly contextDim: number;
  /** [input (kernel of y, kernel of the context), hidden..., output]. */
  readonly layers: readonly Dense[];
  /** Degree of every hidden unit, per hidden layer. */
  readonly hiddenDegrees: readonly (readonly number[])[];
}

/**
 * MADE's parameters for autoregressive sampling, one dimension at a time, without repeating work.
 *
 * Sampling fills y one dimension per pass; the plain way runs the whole network D times. But a
 * hidden unit of degree d depends only on y_1..y_d (and the context), which are final once pass d
 * has run, and pass i (0-based) needs only the units of degree <= i. So pass i computes just the
 * units of degree exactly i in every hidden layer (keeping those of earlier passes) and only the
 * output columns of dimension i: about H²/2 multiply-adds per hidden layer in all instead of D H²,
 * and the context's contribution c V + b once instead of D times. Units are processed in blocks of
 * equal degree (columns gathered once per sampling call); values equal the full pass up to the
 * order of float32 summation (tests compare the two).
 *
 * For evaluation only (sampling, no gradient): the caller keeps the plain path when a gradient is
 * being recorded. Call inside tf.tidy.
 */
export class MADESampler {
  private readonly D: number;
  private readonly rows: number;
  private readonly activations: Activation[];
  /** Block widths per hidden layer and degree. */
  private readonly widths: number[][];
  /** First layer, per degree d: y's kernel columns of block d [D, w] and c V + b of block d [rows, w]. */
  private readonly firstKernels: tf.Tensor2D[];
  private readonly firstOffsets: tf.Tensor2D[];
  /** Layer l >= 1, per degree d: bias [w] and, per degree d' <= d, the kernel block [w', w]. */
  private readonly hiddenKernels: tf.Tensor2D[][][];
  private readonly hiddenBiases: tf.Tensor1D[][];
  /** Output, per dimension i: per degree d <= i the kernel rows of block d with only i's columns kept [w, P D], and the bias likewise. */
  private readonly outKernels: tf.Tensor2D[][];
  private readonly outBiases: tf.Tensor1D[];
  private readonly paramShape: [number, number, number];
  /** Computed blocks per hidden layer, by degree. */
  private readonly computed: tf.Tensor2D[][];

  constructor(made: MADEStructure, rows: number, context?: tf.Tensor2D) {
    const D = (this.D = made.dim);
    const P = made.paramsPerDim;
    this.rows = rows;
    this.paramShape = [rows, P, D];
    const hidden = made.layers.slice(0, -1);
    const output = made.layers[made.layers.length - 1];
    this.activations = hidden.map((l) => l.activation);
    // Unit indices of each degree, per hidden layer (degrees run over 0..D-1).
    const members = made.hiddenDegrees.map((degrees) => Array.from({ length: D }, (_, d) => degrees.flatMap((x, k) => (x === d ? [k] : []))));
    this.widths = members.map((byDegree) => byDegree.map((m) => m.length));
    const index = (ks: number[]) => tf.tensor1d(ks, 'int32');
    const masked = (layer: Dense, k: number) => (layer.masks[k] ? tf.mul(layer.kernels[k], layer.masks[k]!) : layer.kernels[k]) as tf.Tensor2D;
    // Empty blocks (no unit of some degree) get explicit shapes: gather with no index, or on an
    // empty tensor, returns wrong shapes on wasm.
    const rowsOf = (w: tf.Tensor2D, ks: number[]) => (ks.length ? tf.gather(w, index(ks), 0) : tf.zeros([0, w.shape[1]])) as tf.Tensor2D;
    const columns = (w: tf.Tensor2D, ks: number[]) => (ks.length && w.shape[0] ? tf.gather(w, index(ks), 1) : tf.zeros([w.shape[0], ks.length])) as tf.Tensor2D;
    const block = (w: tf.Tensor2D, rowKs: number[], colKs: number[]) => columns(rowsOf(w, rowKs), colKs);

    const first = hidden[0];
    const w1 = masked(first, 0);
    this.firstKernels = members[0].map((ks) => columns(w1, ks));
    this.firstOffsets = members[0].map((ks) => {
      const b = (ks.length ? tf.gather(first.bias, index(ks)) : tf.zeros([0])) as tf.Tensor1D;
      // Rows of y's product: the masked kernel is 0 where an input's degree exceeds the unit's,
      // so y's later columns (still 0 while sampling, or anything) never contribute.
      return (made.contextDim > 0 ? tf.add(tf.matMul(context!, columns(first.kernels[1], ks)), b) : tf.add(tf.zeros([rows, ks.length]), b)) as tf.Tensor2D;
    });
    this.hiddenKernels = hidden.map((layer, l) => {
      if (l === 0) return [];
      const w = masked(layer, 0);
      return members[l].map((ks, d) => members[l - 1].slice(0, d + 1).map((prev) => block(w, prev, ks)));
    });
    this.hiddenBiases = hidden.map((layer, l) => (l === 0 ? [] : members[l].map((ks) => (ks.length ? tf.gather(layer.bias, index(ks)) : tf.zeros([0])) as tf.Tensor1D)));
    const wOut = masked(output, 0);
    const last = members[members.length - 1];
    this.outKernels = [];
    this.outBiases = [];
    for (let i = 0; i < D; i++) {
      const keep = tf.tensor1d(Array.from({ length: P * D }, (_, c) => Number(c % D === i)));
      this.outKernels.push(last.slice(0, i + 1).map((ks) => tf.mul(rowsOf(wOut, ks), keep) as tf.Tensor2D));
      this.outBiases.push(tf.mul(output.bias, keep) as tf.Tensor1D);
    }
    this.computed = hidden.map(() => []);
  }

  /**
   * Parameters of dimension i, `[rows, paramsPerDim, D]` with column i filled (the others 0),
   * from y whose columns 0..i-1 are final. Passes must run in order i = 0, 1, ..., D - 1.
   */
  params(y: tf.Tensor2D, i: number): tf.Tensor3D {
    if (i !== this.computed[0].length) throw new Error(`MADESampler.params: passes must run in order; expected ${this.computed[0].length}, received ${i}`);
    this.computed.forEach((blocks, l) => {
      let z: tf.Tensor2D;
      if (this.widths[l][i] === 0) z = tf.zeros([this.rows, 0]);
      else if (l === 0) z = i > 0 ? tf.add(this.firstOffsets[i], tf.matMul(y, this.firstKernels[i])) : this.firstOffsets[i];
      else z = this.sumOfProducts(this.computed[l - 1], this.hiddenKernels[l][i], this.hiddenBiases[l][i]);
      blocks.push(activate(z, this.activations[l]) as tf.Tensor2D);
    });
    // Output columns of dimension i read the last layer's units of degree <= i.
    const p = this.sumOfProducts(this.computed[this.computed.length - 1], this.outKernels[i], this.outBiases[i]);
    return tf.reshape(p, this.paramShape) as tf.Tensor3D;
  }

  /** bias + sum_d blocks[d] kernels[d] over the non-empty blocks. */
  private sumOfProducts(blocks: tf.Tensor2D[], kernels: tf.Tensor2D[], bias: tf.Tensor1D): tf.Tensor2D {
    let z: tf.Tensor2D | null = null;
    for (let d = 0; d < kernels.length; d++) {
      if (kernels[d].shape[0] === 0) continue;
      const term: tf.Tensor2D = tf.matMul(blocks[d], kernels[d]);
      z = z ? tf.add<tf.Tensor2D>(z, term) : term;
    }
    return tf.add(z ?? tf.zeros([this.rows, bias.shape[0]]), bias) as tf.Tensor2D;
  }
}
