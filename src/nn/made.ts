import * as tf from '@tensorflow/tfjs';
import { ConditionerNet, type ConditionerOptions } from './conditioner.js';
import type { Dense } from './dense.js';
import { MADESampler } from './madeSampler.js';

export type MADEOptions = Omit<ConditionerOptions, 'masks'> & {
  /**
   * With a context: whether hidden units of degree 0 (context only) feed the first dimension's
   * parameters (default true). False gives nflows' layout, where the first dimension's
   * transform ignores the context (useful when the base distribution already depends on it).
   */
  contextToFirst?: boolean;
};

/** 0/1 mask [fanIn, fanOut] connecting unit a to unit b when degree(b) >= degree(a) (> if strict). */
export function degreeMask(inDegrees: number[], outDegrees: number[], strict: boolean): tf.Tensor2D {
  const values = new Float32Array(inDegrees.length * outDegrees.length);
  inDegrees.forEach((a, i) =>
    outDegrees.forEach((b, j) => {
      values[i * outDegrees.length + j] = strict ? Number(b > a) : Number(b >= a);
    }),
  );
  return tf.tensor2d(values, [inDegrees.length, outDegrees.length]);
}

/**
 * MADE, the masked autoencoder for distribution estimation (Germain et al. 2015), with context
 * inputs as in conditional MAF (Papamakarios et al. 2017).
 *
 * Input i (1-based) has degree i; hidden units get degrees 1..D-1 in turn; output (k, i) has
 * degree i and sees only hidden units of smaller degree, so parameter k of dimension i depends
 * on x_1..x_{i-1} and on the context only. With a context the hidden degrees cycle over 0..D-1
 * instead: units of degree 0 see the context alone, and they are what lets the first dimension's
 * parameters depend on the context (with degrees 1..D-1, as in nflows' MADE, output 1 connects
 * to no hidden unit and its transform ignores the context). Output layout
 * `[batch, paramsPerDim, D]` as in {@link ConditionerNet}.
 */
export class MADE extends ConditionerNet {
  /** Degree of every hidden unit, per hidden layer. */
  readonly hiddenDegrees: readonly (readonly number[])[];

  constructor(options: MADEOptions) {
    const D = options.dim;
    const hidden = options.hidden ?? [64, 64];
    const inputDegrees = Array.from({ length: D }, (_, i) => i + 1);
    const conditional = (options.contextDim ?? 0) > 0 && options.contextToFirst !== false;
    const degreeOf = (k: number) => (conditional ? k % D : D > 1 ? (k % (D - 1)) + 1 : 0);
    const hiddenDegrees = hidden.map((h) => Array.from({ length: h }, (_, k) => degreeOf(k)));
    const outputDegrees = Array.from({ length: D * options.paramsPerDim }, (_, c) => (c % D) + 1);
    const masks = [degreeMask(inputDegrees, hiddenDegrees[0] ?? [], false)];
    for (let l = 1; l < hidden.length; l++) masks.push(degreeMask(hiddenDegrees[l - 1], hiddenDegrees[l], false));
    masks.push(degreeMask(hiddenDegrees[hidden.length - 1] ?? [], outputDegrees, true));
    const { contextToFirst: _contextToFirst, ...conditionerOptions } = options;
    try {
      super({ ...conditionerOptions, hidden, masks });
    } finally {
      masks.forEach((m) => m.dispose());
    }
    this.hiddenDegrees = hiddenDegrees;
  }

  /** The layers in order: input (kernels of y and of the context), hidden..., output. */
  get layers(): readonly Dense[] {
    return [this.inputLayer, ...this.hiddenLayers, this.outputLayer];
  }

  /**
   * A sampler that gives the parameters of one dimension per call without recomputing earlier
   * passes' hidden units ({@link MADESampler}); for sampling without a gradient. Call in tf.tidy.
   */
  sampler(rows: number, context?: tf.Tensor2D): MADESampler {
    return new MADESampler(this, rows, context);
  }
}
