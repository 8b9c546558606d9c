/**
 * The log densities the samplers run on, and their evaluation with gradients for a batch of
 * chains. A log density maps positions `[chains, dim]` to `[chains]` and is written with TF.js
 * ops; gradients come from autodiff (`tf.grad` of the sum over chains: each row's log density
 * depends only on its own row, so the gradient of the sum is every row's own gradient).
 *
 * Positions live on the host (Float64Array, row-major [chains, dim]): the samplers' vector
 * arithmetic (momentum updates, tree bookkeeping) costs nothing there, while on wasm every TF.js
 * op costs 3-17 us of dispatch. So one evaluation is one upload, the density's own ops and their
 * backward pass, and one download of the values and gradients.
 */
import * as tf from '@tensorflow/tfjs';

/** An unnormalised log density of each row: positions `[chains, dim]` → `[chains]`. */
export type BatchLogDensity = (x: tf.Tensor2D) => tf.Tensor1D;

/** Log densities (and gradients when asked) of a batch of positions, on the host. */
export interface BatchEvaluation {
  /** log p(x_c) per chain; NaN is reported as -Infinity (a point outside the support). */
  logp: Float64Array;
  /** Row-major [chains, dim] gradients, or null when not asked for. */
  grad: Float64Array | null;
}

/**
 * Evaluates a {@link BatchLogDensity} at host positions for one sampler, checking what comes
 * back: the shape (`[chains]`), and at the initial point a finite value and finite gradients.
 * Errors name the sampler, what was expected and what was received.
 */
export class DensityEvaluator {
  /** Number of batched calls so far. */
  calls = 0;

  constructor(
    readonly sampler: string,
    private readonly logDensity: BatchLogDensity,
    readonly chains: number,
    readonly dim: number,
  ) {}

  /** Evaluate at row-major positions [chains, dim]; with `gradient` also d log p / dx. */
  evaluate(x: Float64Array, gradient: boolean): BatchEvaluation {
    const { values, grad } = this.raw(x, gradient);
    const logp = new Float64Array(this.chains);
    for (let c = 0; c < this.chains; c++) logp[c] = Number.isNaN(values[c]) ? -Infinity : values[c];
    return { logp, grad };
  }

  /**
   * Evaluate at the initial positions and require a finite log density (and finite gradients when
   * `gradient`) in every chain: a NaN or -Infinity there means the chains cannot start.
   */
  evaluateInitial(x: Float64Array, gradient: boolean): BatchEvaluation {
    const { sampler, dim } = this;
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) {
        throw new Error(`${sampler}: the initial positions must be finite; received ${x[i]} in chain ${Math.floor(i / dim)}, coordinate ${i % dim}`);
      }
    }
    const { values, grad } = this.raw(x, gradient);
    values.forEach((v, c) => {
      if (!Number.isFinite(v)) {
        throw new Error(`${sampler}: the log density must be finite at the initial point; received ${v} in chain ${c}`);
      }
    });
    if (grad) {
      for (let i = 0; i < grad.length; i++) {
        if (!Number.isFinite(grad[i])) {
          throw new Error(
            `${sampler}: the gradient of the log density must be finite at the initial point; received ${grad[i]} in chain ${Math.floor(i / dim)}, coordinate ${i % dim} (is the density differentiable there?)`,
          );
        }
      }
    }
    return { logp: Float64Array.from(values), grad };
  }

  /** One batched call: the raw values (NaN kept) and the gradients when asked. */
  private raw(x: Float64Array, gradient: boolean): { values: Float64Array; grad: Float64Array | null } {
    this.calls += 1;
    const { chains, dim } = this;
    let values = new Float64Array(0);
    let grad: Float64Array | null = null;
    tf.tidy(() => {
      const xt = tf.tensor2d(Float32Array.from(x), [chains, dim]);
      if (!gradient) {
        values = Float64Array.from(this.checkShape(this.logDensity(xt)).dataSync());
        return;
      }
      let value: tf.Tensor1D | undefined;
      const g = tf.grad((input: tf.Tensor) => {
        // Kept: tf.grad disposes what its function creates, and the values are needed too.
        value = tf.keep(this.checkShape(this.logDensity(input as tf.Tensor2D)));
        return tf.sum(value);
      })(xt);
      values = Float64Array.from(value!.dataSync());
      value!.dispose();
      grad = Float64Array.from(g.dataSync());
    });
    return { values, grad };
  }

  private checkShape(v: unknown): tf.Tensor1D {
    const { sampler, chains } = this;
    if (!(v instanceof tf.Tensor)) {
      throw new Error(`${sampler}: the log density must return a tensor of shape [${chains}] (one value per chain); received ${v === null ? 'null' : typeof v}`);
    }
    if (v.rank !== 1 || v.shape[0] !== chains) {
      throw new Error(`${sampler}: the log density must return a tensor of shape [${chains}] (one value per chain); received shape [${v.shape.join(', ')}]`);
    }
    return v as tf.Tensor1D;
  }
}

/**
 * Initial positions `[chains, dim]` (nested arrays or a Tensor2D) as a row-major Float64Array,
 * with the sampler named in the error when the shape is wrong.
 */
export function initialPositions(sampler: string, initial: unknown): { x: Float64Array; chains: number; dim: number } {
  const rows = initial instanceof tf.Tensor ? (initial.rank === 2 ? (initial.arraySync() as number[][]) : null) : initial;
  const shape = initial instanceof tf.Tensor ? `a tensor of shape [${initial.shape.join(', ')}]` : Array.isArray(initial) ? 'an array' : String(initial);
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r) && r.length === (rows[0] as unknown[]).length && r.length > 0)) {
    throw new Error(`${sampler}: options.initial must be [chains, dim] (one starting point per chain, as nested arrays or a Tensor2D); received ${shape}`);
  }
  const chains = rows.length;
  const dim = (rows[0] as number[]).length;
  const x = new Float64Array(chains * dim);
  rows.forEach((r, c) => (r as number[]).forEach((v, j) => (x[c * dim + j] = Number(v))));
  return { x, chains, dim };
}
