/**
 * `simulateDataset` for Node (the `flowsbi/node` entry): the runtime-neutral one of the root entry
 * with Node's worker threads as its parallel runner, so `workers: 'auto'` (the default for
 * simulators with a `workerRef`) uses every core.
 */
import { availableParallelism } from 'node:os';
import { simulateDataset as simulateOnThisThread, type SimulateDatasetOptions, type SimulateDatasetResult } from '../sbi/simulation/simulateDataset.js';
import type { ParallelRunner } from '../sbi/simulation/parallelRunner.js';
import { runInWorkers } from './workerPool.js';

/** Node's worker-thread runner for `simulateDataset`. */
export const nodeWorkerRunner: ParallelRunner = { cores: availableParallelism, run: runInWorkers };

/**
 * Simulate a dataset, on worker threads when the simulator can be rebuilt there (see the root
 * entry's `simulateDataset` for seeding and dropping; results are identical for any worker count).
 */
export function simulateDataset(options: SimulateDatasetOptions): Promise<SimulateDatasetResult> {
  return simulateOnThisThread({ parallel: nodeWorkerRunner, ...options });
}
