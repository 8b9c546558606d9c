/**
 * Data-parallel training in Node: `fit` (and so `trainNPE`, `trainRickerNPE`, ...) hands part of
 * every minibatch to helper threads that hold a replica of the model (see `GradientWorkers` in
 * src/train/gradientWorkers.ts). TF.js's wasm backend runs one thread, so on a machine with two
 * cores the second one idles during training. One helper halves each thread's rows per step: a
 * Ricker NPE step on 256 rows takes 17-18 ms against 30-34 ms on 512 (one thread, idle 2-core
 * AMD EPYC host, 2026-12-04). How much of that a run keeps depends on whether the cores share
 * their arithmetic units: on that host two single-thread processes each run 1.4x slower side by
 * side (256-row steps 23-25 ms, `bench/stepProfile.ts ricker-b256`), and `npm run ricker` (5
 * epochs) trained in 51.7 s with one helper against 67.6 s with `--training-threads 1`.
 *
 *   trainNPE({ ..., parallel: dataParallel() })          // one helper thread per spare core, at most 1 by default
 *
 * The exchange runs through shared memory and `Atomics` (the training thread blocks while it
 * waits, so `fit` stays synchronous): per step the training thread writes the current weights and
 * the helpers' rows, computes its own rows' gradient, then reads the helpers' gradients. Results
 * are deterministic for a given number of helpers; they differ from one-thread training only by
 * float32 summation order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import { serializeModule } from '../io/format.js';
import { readValues } from '../backend/memory.js';
import { currentBackend } from '../backend/index.js';
import type { Module } from '../module.js';
import type { ModuleConfig } from '../io/registry.js';
import type { GradientWorkers, GradientWorkersFactory, GradientWorkersSpec } from '../train/gradientWorkers.js';
import { workerSpec } from './workerPool.js';

/** Slots of the control array shared with a helper. */
export const CONTROL = { request: 0, done: 1, status: 2, rows: 3, stop: 4, errorLength: 5, size: 8 } as const;
export const STATUS = { starting: 0, ready: 1, failed: 2 } as const;
/** Bytes kept for a helper's error message. */
export const ERROR_BYTES = 4096;

/** What a helper thread receives (`workerData`). */
export interface GradientWorkerData {
  json: unknown;
  weights: ArrayBuffer;
  loss: string;
  widths: number[];
  maxRows: number;
  backend: string | undefined;
  control: SharedArrayBuffer;
  /** The trainable weights, flat, in `trainableVariables()` order. */
  parameters: SharedArrayBuffer;
  /** The rows: column k at offset maxRows * (widths[0] + ... + widths[k-1]) floats. */
  batch: SharedArrayBuffer;
  /** The gradient (flat, as parameters), then the mean loss. */
  gradient: SharedArrayBuffer;
  error: SharedArrayBuffer;
}

export interface DataParallelOptions {
  /** Helper threads (default: one fewer than the cores, at most 1; 0 trains on this thread only). */
  workers?: number;
  /** Seconds to wait for a helper before giving up with an error (default 120; start-up included). */
  timeoutSeconds?: number;
}

/** The default number of helpers on this machine: one when there are at least two cores. */
export function defaultHelpers(): number {
  return Math.min(1, Math.max(0, availableParallelism() - 1));
}

/**
 * A factory for `fit`'s `parallel` option: one helper thread (the default on two or more cores)
 * takes half of every minibatch. Returns undefined when no helper would run (`workers` 0 or one
 * core), which `fit` reads as one-thread training.
 */
export function dataParallel(options: DataParallelOptions = {}): GradientWorkersFactory | undefined {
  const helpers = options.workers ?? defaultHelpers();
  if (!(Number.isInteger(helpers) && helpers >= 0 && helpers <= 1)) {
    throw new Error(`dataParallel: workers must be 0 or 1 (one helper thread; more are not supported yet); received ${String(helpers)}`);
  }
  if (helpers === 0) return undefined;
  const timeoutMs = (options.timeoutSeconds ?? 120) * 1000;
  return (spec) => new HelperThread(spec, timeoutMs);
}

class HelperThread implements GradientWorkers {
  private readonly worker: Worker;
  private readonly control: Int32Array;
  private readonly parameters: Float32Array;
  private readonly batch: Float32Array;
  private readonly gradient: Float32Array;
  private readonly error: Uint8Array;
  private readonly widths: number[];
  private readonly maxRows: number;
  private readonly size: number;
  private request = 0;
  private rows = 0;
  private disposed = false;

  constructor(spec: GradientWorkersSpec, private readonly timeoutMs: number) {
    const model = spec.model as Module & { toConfig(): ModuleConfig };
    if (typeof model.toConfig !== 'function') throw new Error('dataParallel: the model must be serialisable (have toConfig) so that a helper thread can rebuild it');
    this.size = model.trainableVariables().reduce((s, v) => s + v.size, 0);
    this.widths = spec.widths;
    this.maxRows = spec.maxRows;
    const shared = (floats: number) => new SharedArrayBuffer(4 * floats);
    const { json, weights } = serializeModule(model);
    const data: GradientWorkerData = {
      json,
      weights: weights as ArrayBuffer,
      loss: spec.loss,
      widths: spec.widths,
      maxRows: spec.maxRows,
      backend: currentBackend()?.name,
      control: shared(CONTROL.size),
      parameters: shared(this.size),
      batch: shared(spec.maxRows * spec.widths.reduce((s, w) => s + w, 0)),
      gradient: shared(this.size + 1),
      error: new SharedArrayBuffer(ERROR_BYTES),
    };
    this.control = new Int32Array(data.control);
    this.parameters = new Float32Array(data.parameters);
    this.batch = new Float32Array(data.batch);
    this.gradient = new Float32Array(data.gradient);
    this.error = new Uint8Array(data.error);
    const { script, options } = workerSpec('gradientWorker.js');
    this.worker = new Worker(script, { ...options, workerData: data });
    // Failures reach fit through the shared status (or the timeout); an unhandled 'error' event
    // would otherwise also end the process.
    this.worker.on('error', () => undefined);
    this.worker.unref();
  }

  share(rows: number): number {
    return Math.min(Math.floor(rows / 2), this.maxRows);
  }

  start(variables: tf.Variable[], columns: Float32Array[], rows: number): void {
    this.waitFor(CONTROL.status, STATUS.starting, 'start up');
    let offset = 0;
    for (const v of variables) {
      this.parameters.set(readValues(v), offset);
      offset += v.size;
    }
    if (offset !== this.size) throw new Error(`dataParallel: expected ${this.size} trainable weights; received ${offset}`);
    let at = 0;
    columns.forEach((c, k) => {
      this.batch.set(c.subarray(0, rows * this.widths[k]), at);
      at += this.maxRows * this.widths[k];
    });
    this.rows = rows;
    Atomics.store(this.control, CONTROL.rows, rows);
    this.request += 1;
    Atomics.store(this.control, CONTROL.request, this.request);
    Atomics.notify(this.control, CONTROL.request);
  }

  collect(): { gradient: Float32Array; loss: number; rows: number } {
    while (Atomics.load(this.control, CONTROL.done) !== this.request) this.waitFor(CONTROL.done, this.request - 1, 'compute a gradient');
    return { gradient: this.gradient.subarray(0, this.size), loss: this.gradient[this.size], rows: this.rows };
  }

  /** Wait while control[slot] === value; throws when the helper failed or took too long. */
  private waitFor(slot: number, value: number, what: string): void {
    const deadline = performance.now() + this.timeoutMs;
    while (Atomics.load(this.control, slot) === value) {
      this.checkFailed();
      if (performance.now() > deadline) throw new Error(`dataParallel: the helper thread did not ${what} within ${this.timeoutMs / 1000} s`);
      Atomics.wait(this.control, slot, value, 200);
    }
    this.checkFailed();
  }

  private checkFailed(): void {
    if (Atomics.load(this.control, CONTROL.status) !== STATUS.failed) return;
    const length = Atomics.load(this.control, CONTROL.errorLength);
    throw new Error(`dataParallel: the helper thread failed: ${new TextDecoder().decode(this.error.slice(0, length))}`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.control, CONTROL.stop, 1);
    this.request += 1;
    Atomics.store(this.control, CONTROL.request, this.request);
    Atomics.notify(this.control, CONTROL.request);
    void this.worker.terminate();
  }
}
