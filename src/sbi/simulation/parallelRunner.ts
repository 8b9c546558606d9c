/**
 * The contract between `simulateDataset` (runtime-neutral) and a runner that simulates chunks in
 * parallel. The core never imports a runner; the `flowsbi/node` entry supplies Node's worker
 * threads ({@link nodeWorkerRunner}), and a browser could supply Web Workers the same way.
 */
import type { SimulatorModuleRef } from './simulator.js';
import type { ChunkResult } from './runChunk.js';

/** One parallel run: rows [start, n) of `thetas` (n x d), handed out in chunks of `chunk` rows. */
export interface WorkerRun {
  ref: SimulatorModuleRef;
  workers: number;
  thetas: Float64Array;
  d: number;
  /** First row to simulate (rows before it were done on the main thread). */
  start: number;
  n: number;
  chunk: number;
  seed: number;
  store: (offset: number, result: ChunkResult) => void;
}

/** Runs simulation chunks on other threads. */
export interface ParallelRunner {
  /** Threads that `workers: 'auto'` uses. */
  cores(): number;
  /** Simulate the run's rows, passing each chunk to `run.store`; resolves with the start-up time in ms. */
  run(run: WorkerRun): Promise<number>;
}
