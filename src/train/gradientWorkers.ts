import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../module.js';

/**
 * Data-parallel training: helpers (threads, in Node `dataParallel` of `flowsbi/node`) that hold a
 * replica of the model and compute the gradient of the loss on part of every minibatch while the
 * training thread computes the rest. `fit` hands them the current weights and their rows, computes
 * its own rows' gradient, then waits for theirs and takes one Adam step on the row-weighted mean,
 * which is the gradient of the whole minibatch's mean loss (up to float32 summation order). So the
 * model learns the same thing as on one thread, in less time per step.
 *
 * This file is platform-free: it names what `fit` needs; the platform supplies the threads.
 */
export interface GradientWorkers {
  /** How many of a minibatch's `rows` rows the helpers take (the last ones); 0 keeps all here. */
  share(rows: number): number;
  /**
   * Start the helpers on the model's current trainable weights (`variables`, in the order of
   * `trainableVariables()`) and their rows: one row-major float32 array per data column, `rows` rows each.
   */
  start(variables: tf.Variable[], columns: Float32Array[], rows: number): void;
  /** Wait for the helpers: their rows' mean-loss gradient (flat, variables in order) and mean loss. */
  collect(): { gradient: Float32Array; loss: number; rows: number };
  dispose(): void;
}

/** What a platform needs to start helpers for one `fit`. */
export interface GradientWorkersSpec {
  /** The model being trained (the helpers rebuild it from its config: it must be serialisable). */
  model: Module;
  /** Name of the loss in the loss registry ({@link registerWorkerLoss}). */
  loss: string;
  /** Widths of the data columns, in the order the loss takes them. */
  widths: number[];
  /** The most rows the helpers are handed at once. */
  maxRows: number;
}

/** Starts helpers for a fit (Node: `dataParallel()` of `flowsbi/node`). */
export type GradientWorkersFactory = (spec: GradientWorkersSpec) => GradientWorkers;

/**
 * A minibatch loss that a helper thread can rebuild by name: the model and the batch's columns.
 * It gets no random stream, so it must not draw random numbers (a VAE's reparameterised ELBO
 * cannot run on helpers yet), and it must be the loss that the training thread's `fit` runs.
 */
export type WorkerLoss = (model: Module, columns: tf.Tensor2D[]) => tf.Scalar;

const losses = new Map<string, WorkerLoss>();

/** Register a loss under a name for data-parallel helpers (registered where the loss is defined). */
export function registerWorkerLoss(name: string, loss: WorkerLoss): void {
  losses.set(name, loss);
}

/** The loss registered under `name`. */
export function workerLoss(name: string): WorkerLoss {
  const loss = losses.get(name);
  if (!loss) throw new Error(`workerLoss: no loss registered as "${name}"; registered: ${[...losses.keys()].join(', ') || 'none'}`);
  return loss;
}

/**
 * The row-weighted mean of this thread's gradients (`local`, the mean over `localRows` rows) and
 * the helpers' (`remote`, flat, the mean over `remoteRows` rows), one array per variable.
 */
export function combineGradients(local: Float32Array[], localRows: number, remote: Float32Array, remoteRows: number): Float32Array[] {
  const a = localRows / (localRows + remoteRows);
  const b = remoteRows / (localRows + remoteRows);
  let offset = 0;
  return local.map((g) => {
    const out = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) out[i] = a * g[i] + b * remote[offset + i];
    offset += g.length;
    return out;
  });
}
