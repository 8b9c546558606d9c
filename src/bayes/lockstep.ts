/**
 * Runs one transition of every chain in lockstep, batching their density evaluations.
 *
 * Each chain's transition is a generator that yields a position whenever it needs the log density
 * (and gradient) there, and receives the result. NUTS trees grow to different depths in different
 * chains, so a recursive tree builder per chain, written as a generator, is the simplest correct
 * form; the driver still makes one batched call per leapfrog step for all chains that need one.
 * Chains that have finished (or are waiting for nothing) are evaluated at their last position to
 * keep the batch shape `[chains, dim]` fixed, as a user's log density may assume; that costs
 * little because on wasm a call's price is mostly per-op dispatch, not per-row arithmetic.
 */
import type { DensityEvaluator } from './logDensity.js';

/** What a transition receives for a position it yielded. */
export interface PointEvaluation {
  logp: number;
  /** d log p / dx at the point, or null for gradient-free samplers. */
  grad: Float64Array | null;
}

/** A per-chain transition: yields positions to evaluate, returns its result. */
export type Transition<T> = Generator<Float64Array, T, PointEvaluation>;

/**
 * Drive the transitions (one per chain) to completion; `gradient` says whether evaluations
 * include gradients. Returns each transition's result and counts the evaluations each chain asked
 * for (added to `evaluations`).
 */
export function runLockstep<T>(evaluator: DensityEvaluator, transitions: Transition<T>[], gradient: boolean, evaluations: number[]): T[] {
  const { chains, dim } = evaluator;
  const results: T[] = new Array(chains);
  const pending: (Float64Array | null)[] = new Array(chains).fill(null);
  const last = new Float64Array(chains * dim);
  const advance = (c: number, input: PointEvaluation | undefined): void => {
    const step = input === undefined ? transitions[c].next() : transitions[c].next(input);
    if (step.done) {
      results[c] = step.value;
      pending[c] = null;
    } else {
      pending[c] = step.value;
      last.set(step.value, c * dim);
    }
  };
  for (let c = 0; c < chains; c++) advance(c, undefined);
  while (pending.some((p) => p !== null)) {
    const { logp, grad } = evaluator.evaluate(last, gradient);
    for (let c = 0; c < chains; c++) {
      if (pending[c] === null) continue;
      evaluations[c] += 1;
      advance(c, { logp: logp[c], grad: grad ? grad.slice(c * dim, (c + 1) * dim) : null });
    }
  }
  return results;
}
