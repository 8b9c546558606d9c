/**
 * Simulators for simulation-based inference, on plain typed arrays. A simulator maps a batch of
 * parameters (row-major n x thetaDim Float64Array) to a batch of outputs (n x outputDim).
 *
 * Seeding rule: row i of a batch simulated with (seed, offset) uses the random stream of
 * (seed, offset + i) and nothing else, so splitting a batch into chunks (with the matching offsets)
 * or spreading it over worker threads gives exactly the same numbers (see `simulateDataset`).
 */
import { deriveSeed } from './simulationStreams.js';
import { rowCount } from '../../rows.js';

/**
 * Where worker threads find a simulator: an ES module URL (e.g. `import.meta.url`, or
 * `new URL('./mySim.js', import.meta.url).href`) and the name of an export that is either a
 * {@link Simulator}, a factory `(options) => Simulator` or a Simulator class (`new C(options)`).
 * `options` must be structured-cloneable.
 * From TypeScript sources a `.js` URL that does not exist is retried as `.ts`.
 */
export interface SimulatorModuleRef {
  readonly module: string;
  readonly export: string;
  readonly options?: unknown;
}

export interface Simulator {
  readonly name: string;
  readonly thetaDim: number;
  readonly outputDim: number;
  /**
   * Simulate n rows of thetas (n x thetaDim) into a new n x outputDim array. Row i uses the
   * stream (seed, offset + i); offset defaults to 0. A simulation that fails numerically returns
   * a row containing NaN or Infinity (the dataset runner drops it and counts it).
   */
  simulate(thetas: Float64Array, n: number, seed: number, offset?: number): Float64Array;
  /** Set when the simulator can be rebuilt inside worker threads. */
  readonly workerRef?: SimulatorModuleRef;
}

/** A user simulator for one parameter vector; `seed` is an integer in [0, 2^31). */
export type SimulatorFunction = (theta: Float64Array, seed: number) => ArrayLike<number>;

export interface SimulatorFromFunctionOptions {
  thetaDim: number;
  outputDim: number;
  name?: string;
  /** Where workers can import the simulator (an export of the result of this call). */
  workerRef?: SimulatorModuleRef;
}

/**
 * A broken simulator contract (wrong output length or type), as opposed to a simulation that
 * failed: the dataset runner re-throws it instead of dropping the row.
 */
export class SimulatorContractError extends Error {
  override name = 'SimulatorContractError';
}

/** True for an object with the {@link Simulator} members. */
export function isSimulator(value: unknown): value is Simulator {
  const s = value as Simulator | null;
  return (
    typeof s === 'object' && s !== null && typeof s.simulate === 'function' &&
    Number.isInteger(s.thetaDim) && s.thetaDim > 0 && Number.isInteger(s.outputDim) && s.outputDim > 0
  );
}

/** Checks shared by every simulator's `simulate`: the shape of thetas and the seed. */
export function checkSimulateArgs(fn: string, thetas: Float64Array, n: number, thetaDim: number, seed: number, offset: number): void {
  rowCount(fn, thetas, thetaDim, n);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`${fn}: seed must be a non-negative safe integer; received ${seed}`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`${fn}: offset must be a non-negative safe integer; received ${offset}`);
}

/**
 * Wrap a per-simulation function as a batched {@link Simulator}: row i calls
 * fn(theta_i, deriveSeed(seed, offset + i)), so results do not depend on how batches are split.
 * The function must return exactly outputDim numbers (else a {@link SimulatorContractError});
 * its exceptions propagate (the dataset runner then re-runs the chunk row by row, drops the rows
 * that throw and counts them).
 */
export function simulatorFromFunction(fn: SimulatorFunction, options: SimulatorFromFunctionOptions): Simulator {
  const { thetaDim, outputDim } = options;
  if (!(Number.isInteger(thetaDim) && thetaDim > 0 && Number.isInteger(outputDim) && outputDim > 0)) {
    throw new Error(`simulatorFromFunction: thetaDim and outputDim must be positive integers; received ${thetaDim} and ${outputDim}`);
  }
  const name = options.name ?? (fn.name || 'simulator');
  return {
    name,
    thetaDim,
    outputDim,
    workerRef: options.workerRef,
    simulate(thetas: Float64Array, n: number, seed: number, offset = 0): Float64Array {
      checkSimulateArgs(`${name}.simulate`, thetas, n, thetaDim, seed, offset);
      const out = new Float64Array(n * outputDim);
      for (let i = 0; i < n; i++) {
        const x = fn(thetas.slice(i * thetaDim, (i + 1) * thetaDim), deriveSeed(seed, offset + i));
        if (x === null || typeof x !== 'object' || x.length !== outputDim) {
          throw new SimulatorContractError(
            `${name}.simulate: the simulator function must return ${outputDim} numbers; received ${x === null || typeof x !== 'object' ? String(x) : `length ${x.length}`} for row ${offset + i}`,
          );
        }
        for (let j = 0; j < outputDim; j++) out[i * outputDim + j] = Number(x[j]);
      }
      return out;
    },
  };
}
