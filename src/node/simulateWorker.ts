/**
 * Worker-thread entry of `simulateDataset`: rebuilds the simulator from `workerData.ref`, answers
 * `{ type: 'ready' }`, then runs each chunk it is sent ({@link runChunk}) and posts the outputs
 * back. Any error that is not a dropped simulation is posted as
 * `{ type: 'error', message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadSimulator } from '../sbi/simulation/loadSimulator.js';
import { runChunk } from '../sbi/simulation/runChunk.js';
import type { SimulatorModuleRef } from '../sbi/simulation/simulator.js';

export interface ChunkTask {
  id: number;
  offset: number;
  n: number;
  seed: number;
  thetas: Float64Array;
}

const port = parentPort;
if (port === null) throw new Error('simulateWorker: must run as a worker thread (no parentPort)');

function fail(error: unknown): void {
  port!.postMessage({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}

try {
  const simulator = await loadSimulator((workerData as { ref: SimulatorModuleRef }).ref);
  port.on('message', (task: ChunkTask) => {
    try {
      const { xs, threw, firstError } = runChunk(simulator, task.thetas, task.n, task.seed, task.offset);
      // xs is copied, not transferred: a simulator may legitimately keep using its buffer.
      port.postMessage({ type: 'result', id: task.id, xs, threw, firstError }, [threw.buffer as ArrayBuffer]);
    } catch (error) {
      fail(error);
    }
  });
  port.postMessage({ type: 'ready', thetaDim: simulator.thetaDim, outputDim: simulator.outputDim });
} catch (error) {
  fail(error);
}
