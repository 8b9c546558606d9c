/**
 * One chunk of a dataset simulation, shared by the main thread and the worker threads: rows
 * [offset, offset + n) simulated in one batch call; if the call throws, the chunk is re-run row by
 * row (row i alone, with offset + i, so the numbers are the same) and the rows that throw are
 * flagged and filled with NaN.
 */
import { SimulatorContractError, type Simulator } from './simulator.js';

export interface ChunkResult {
  /** n x outputDim outputs (NaN rows where the simulation threw). */
  xs: Float64Array;
  /** 1 where the row's simulation threw. */
  threw: Uint8Array;
  /** Message of the first exception, if any. */
  firstError?: string;
}

function checked(simulator: Simulator, x: ArrayLike<number>, rows: number): Float64Array {
  const expected = rows * simulator.outputDim;
  if (x === null || typeof x !== 'object' || x.length !== expected) {
    throw new SimulatorContractError(
      `${simulator.name}.simulate: expected ${rows} x ${simulator.outputDim} = ${expected} outputs; received ${x === null || typeof x !== 'object' ? String(x) : `length ${x.length}`}`,
    );
  }
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/** By class or by name (a simulator module may hold another copy of the class). */
function isContractError(error: unknown): boolean {
  return error instanceof SimulatorContractError || (error as Error | null)?.name === 'SimulatorContractError';
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Simulate one chunk of rows (rows offset..offset+n of the dataset, seeded by their global index),
 * re-running a failing chunk row by row so that only the failing rows are dropped.
 */
export function runChunk(simulator: Simulator, thetas: Float64Array, n: number, seed: number, offset: number): ChunkResult {
  const threw = new Uint8Array(n);
  try {
    return { xs: checked(simulator, simulator.simulate(thetas, n, seed, offset), n), threw };
  } catch (error) {
    if (isContractError(error)) throw error;
  }
  const d = simulator.thetaDim;
  const m = simulator.outputDim;
  const xs = new Float64Array(n * m);
  let firstError: string | undefined;
  for (let i = 0; i < n; i++) {
    try {
      xs.set(checked(simulator, simulator.simulate(thetas.subarray(i * d, (i + 1) * d), 1, seed, offset + i), 1), i * m);
    } catch (error) {
      if (isContractError(error)) throw error;
      threw[i] = 1;
      xs.fill(NaN, i * m, (i + 1) * m);
      firstError ??= message(error);
    }
  }
  return { xs, threw, firstError };
}
