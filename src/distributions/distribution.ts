/**
 * The distribution interface shared by base distributions and flows.
 *
 * Shapes (batch-first):
 * - unconditional: `sample(n)` is `[n, dim]`; `logProb(x)` takes `[m, dim]` and gives `[m]`;
 * - conditional on a context `[b, contextDim]`: `sample(n, { context })` draws n values for each
 *   of the b contexts and is `[b, n, dim]` (row i holds the draws for context row i);
 *   `logProb(x, context)` pairs row i of x with row i of the context and gives `[m]`; a context
 *   with a single row is used for every row of x.
 * `sampleAndLogProb` returns both in one pass and is differentiable with respect to the
 * parameters (reparameterised sampling), which is what reverse-KL fitting and VAEs need.
 */
import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { tidy } from '../util/tidy.js';
import type { ModuleConfig } from '../io/registry.js';
import { toRandom, type Random, type SeedLike } from '../random.js';
import { assertContext, assertFinite, assertMatrix, assertPositiveInt } from '../validation.js';

export interface SampleOptions {
  /** Seed or stream; same seed, same draws. */
  seed?: SeedLike;
  /** Context `[b, contextDim]` for conditional distributions. */
  context?: tf.Tensor2D;
}

export interface SampleAndLogProb<S extends tf.Tensor, L extends tf.Tensor> {
  sample: S;
  logProb: L;
}

/**
 * Base class of distributions and flows: validated public `sample`, `logProb` and
 * `sampleAndLogProb` with the shapes of the file comment, on top of per-row implementations.
 */
export abstract class Distribution extends Module {
  readonly dim: number;
  readonly contextDim: number;

  protected constructor(dim: number, contextDim = 0) {
    super();
    assertPositiveInt(new.target.name, 'dim', dim);
    this.dim = dim;
    this.contextDim = contextDim;
  }

  get name(): string {
    return this.constructor.name;
  }

  /** Draw n values: `[n, dim]`, or `[b, n, dim]` for a context of b rows. */
  sample(n: number, options: SampleOptions & { context: tf.Tensor2D }): tf.Tensor3D;
  sample(n: number, options?: SampleOptions): tf.Tensor2D;
  sample(n: number, options: SampleOptions = {}): tf.Tensor2D | tf.Tensor3D {
    const { rows, shape } = this.prepareSampling('sample', n, options);
    const random = toRandom(options.seed);
    return tf.tidy(() => {
      const draws = this.sampleRows(rows, random, perDrawContext(options.context, n));
      return shape.length === 2 ? draws : tf.reshape(draws, shape as [number, number, number]);
    }) as tf.Tensor2D | tf.Tensor3D;
  }

  /** log density of each row of x (`[m, dim]`), paired with the rows of the context. */
  logProb(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor1D {
    const where = `${this.name}.logProb`;
    assertMatrix(where, 'x', x, this.dim);
    this.assertContextUse(where, context);
    // A single context row is shared by every row of x.
    const broadcast = context instanceof tf.Tensor && context.rank === 2 && context.shape[0] === 1;
    assertContext(where, this.contextDim, broadcast ? 1 : x.shape[0], context);
    assertFinite(where, 'x', x);
    if (context) assertFinite(where, 'context', context);
    return tf.tidy(() => {
      const c = broadcast && x.shape[0] !== 1 ? repeatRows(context!, x.shape[0]) : context;
      return this.logProbRows(x, c);
    });
  }

  /** Draws and their log density in one differentiable pass. */
  sampleAndLogProb(n: number, options: SampleOptions & { context: tf.Tensor2D }): SampleAndLogProb<tf.Tensor3D, tf.Tensor2D>;
  sampleAndLogProb(n: number, options?: SampleOptions): SampleAndLogProb<tf.Tensor2D, tf.Tensor1D>;
  sampleAndLogProb(n: number, options: SampleOptions = {}): SampleAndLogProb<tf.Tensor, tf.Tensor> {
    const { rows, shape } = this.prepareSampling('sampleAndLogProb', n, options);
    const random = toRandom(options.seed);
    return tidy(() => {
      const r: SampleAndLogProb<tf.Tensor, tf.Tensor> = this.sampleRowsAndLogProb(rows, random, perDrawContext(options.context, n));
      if (shape.length === 2) return r;
      return { sample: tf.reshape(r.sample, shape), logProb: tf.reshape(r.logProb, [shape[0], shape[1]]) };
    });
  }

  /** The architecture as JSON, for saving. */
  toConfig(): ModuleConfig {
    throw new Error(`${this.name}.toConfig: this distribution does not support saving; implement toConfig and call registerModule`);
  }

  /** One draw per row: `rows` draws, with context `[rows, contextDim]` when conditional. */
  protected abstract sampleRows(rows: number, random: Random, context?: tf.Tensor2D): tf.Tensor2D;

  /** log density of each row, context already paired row by row. */
  protected abstract logProbRows(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor1D;

  /** One draw per row with its log density; override when one pass is cheaper than two. */
  protected sampleRowsAndLogProb(
    rows: number,
    random: Random,
    context?: tf.Tensor2D,
  ): SampleAndLogProb<tf.Tensor2D, tf.Tensor1D> {
    const sample = this.sampleRows(rows, random, context);
    return { sample, logProb: this.logProbRows(sample, context) };
  }

  private assertContextUse(where: string, context: unknown): void {
    if (this.contextDim === 0 && context !== undefined && context !== null) {
      const shape = context instanceof tf.Tensor ? ` of shape [${context.shape.join(', ')}]` : '';
      throw new Error(`${where}: this distribution is unconditional (no context); received a context${shape}`);
    }
  }

  /** Validates n and the context; returns the number of flat draws and the output shape. */
  private prepareSampling(method: string, n: number, options: SampleOptions): { rows: number; shape: number[] } {
    const where = `${this.name}.${method}`;
    assertPositiveInt(where, 'n', n);
    this.assertContextUse(where, options.context);
    if (this.contextDim === 0) return { rows: n, shape: [n, this.dim] };
    const context = options.context;
    if (!context) {
      throw new Error(`${where}: this distribution is conditional and needs options.context of shape [b, ${this.contextDim}]; received none`);
    }
    assertMatrix(where, 'context', context, this.contextDim);
    assertFinite(where, 'context', context);
    return { rows: context.shape[0] * n, shape: [context.shape[0], n, this.dim] };
  }
}

/** The context row of each flat draw: row i*n + j belongs to context row i. */
function perDrawContext(context: tf.Tensor2D | undefined, n: number): tf.Tensor2D | undefined {
  if (!context) return undefined;
  return repeatRows(context, n);
}

/**
 * Each row repeated n times in place: [r0, r0, ..., r1, r1, ...], shape [b*n, c]. A broadcast
 * product with ones rather than `tile`, which is about 100 times slower on wasm. With n = 1 it
 * returns x itself (no kernels in a training step; do not dispose the result apart from x).
 */
export function repeatRows(x: tf.Tensor2D, n: number): tf.Tensor2D {
  if (n === 1) return x;
  return tf.tidy(() => {
    const [b, c] = x.shape;
    return tf.reshape(tf.mul(tf.reshape(x, [b, 1, c]), tf.ones([1, n, 1])), [b * n, c]);
  });
}
