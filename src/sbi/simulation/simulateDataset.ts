/**
 * Simulate a training set {(theta_i, x_i)} for amortized inference: theta_i from a prior (or
 * given), x_i = simulator(theta_i), optionally on worker threads. Simulations that throw or return
 * NaN/Infinity are removed and counted, as in sbi's `simulate_for_sbi` + NaN filtering
 * (Tejero-Cantero et al., "sbi: A toolkit for simulation-based inference", JOSS 2020).
 *
 * Reproducibility: with an integer seed s, row i is simulated with the stream (s, i) (see
 * `Simulator.simulate`), so the result is identical for any number of workers and any chunk size;
 * thetas drawn from the prior use the separate stream `new Random('prior:' + s)`. A string or
 * `Random` seed is first turned into an integer (`Random.nextSeed`).
 *
 * Workers: this module is runtime-neutral (it loads in a browser) and runs every simulation on the
 * calling thread, yielding to the event loop between chunks, unless a {@link ParallelRunner} is
 * given. The `flowsbi/node` entry's `simulateDataset` passes Node's worker-thread runner
 * (src/node/workerPool.ts). Functions cannot be sent to worker threads, so a simulator runs in workers only
 * when it can be rebuilt there from a module URL and an export name: pass `{ module, export,
 * options }` or a simulator with a `workerRef` (the Ricker simulator has one). Other simulators
 * (closures) run on the main thread.
 */
import { Random, type SeedLike } from '../../random.js';
import { isSimulator, type Simulator, type SimulatorModuleRef } from './simulator.js';
import type { Prior } from './prior.js';
import { readRows, rowCount, type RowsInput } from '../../rows.js';
import { loadSimulator } from './loadSimulator.js';
import { runChunk, type ChunkResult } from './runChunk.js';
import { dropFailed } from './dropFailed.js';
import type { ParallelRunner } from './parallelRunner.js';

export interface SimulateDatasetOptions {
  /** A simulator, or where workers can import one. */
  simulator: Simulator | SimulatorModuleRef;
  /** Draw n parameter vectors from this prior (unless thetas is given). */
  prior?: Pick<Prior, 'dim' | 'sample'>;
  /** Parameters to simulate: a row-major n x thetaDim Float64Array, or rows in any `RowsInput` form. */
  thetas?: Float64Array | RowsInput;
  /** Number of simulations (required with a prior; checked against thetas when both are given). */
  n?: number;
  /** Same seed, same dataset. A number is used as is (a non-negative integer); default: fresh. */
  seed?: SeedLike;
  /**
   * Worker threads: 0 runs on the main thread; k > 0 uses k workers; 'auto' uses every core when
   * the work is worth it ({@link AUTO_WORKERS_MIN_MS}). Default: 'auto' when the simulator can run
   * in workers, else 0 (closures always run on the main thread).
   */
  workers?: number | 'auto';
  /** Simulations per task (default: about n / (4 workers), at most 1000). */
  chunk?: number;
  /** Called with (done, total) at the start and after every chunk. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Runs chunks in parallel (worker threads). Default: none, every chunk on the calling thread;
   * `simulateDataset` from `flowsbi/node` supplies Node's worker threads.
   */
  parallel?: ParallelRunner;
}

export interface SimulateDatasetResult {
  /** Kept parameters, n x thetaDim. */
  thetas: Float64Array;
  /** Kept outputs, n x outputDim. */
  xs: Float64Array;
  /** Number of kept simulations. */
  n: number;
  thetaDim: number;
  outputDim: number;
  /** Simulations removed: they threw or returned NaN/Infinity. */
  dropped: number;
  droppedThrew: number;
  droppedNonFinite: number;
  /** Message of the first exception of a dropped simulation. */
  firstError?: string;
  /** Worker threads used (0: main thread). */
  workers: number;
  /** Milliseconds: prior sampling, worker start-up (import included), simulation, all. */
  timings: { priorMs: number; startupMs: number; simulateMs: number; totalMs: number };
}

function seedOf(seed: SeedLike | undefined): number {
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return seed;
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new Error(`simulateDataset: seed must be finite; received ${seed}`);
  return (seed instanceof Random ? seed : new Random(seed ?? Math.floor(Math.random() * 2 ** 31))).nextSeed();
}

/**
 * With workers: 'auto', the first chunk runs on the main thread as a probe, and workers start only
 * if the rest would take longer than this on one thread (about what starting them costs: 0.2-0.5 s
 * from compiled JS, about 1 s from TypeScript sources).
 */
export const AUTO_WORKERS_MIN_MS = 500;

function workerMode(requested: number | 'auto' | undefined, canUseWorkers: boolean): number | 'auto' {
  const w = requested ?? (canUseWorkers ? 'auto' : 0);
  if (w !== 'auto' && (!Number.isInteger(w) || w < 0)) {
    throw new Error(`simulateDataset: workers must be a non-negative integer or 'auto'; received ${w}`);
  }
  return canUseWorkers ? w : 0;
}

function resolveThetas(options: SimulateDatasetOptions, d: number, seed: number): Float64Array {
  const { prior, n } = options;
  if (options.thetas !== undefined) {
    if (options.thetas instanceof Float64Array) {
      rowCount('simulateDataset (thetas)', options.thetas, d, n);
      return options.thetas;
    }
    const rows = readRows('simulateDataset', 'thetas', options.thetas, d, { allowEmpty: true });
    if (n !== undefined && rows.rows !== n) throw new Error(`simulateDataset: thetas has ${rows.rows} rows but n is ${n}`);
    return rows.values;
  }
  if (prior === undefined) throw new Error('simulateDataset: give either prior (with n) or thetas; received neither');
  if (prior.dim !== d) throw new Error(`simulateDataset: prior.dim must equal the simulator's thetaDim ${d}; received ${prior.dim}`);
  if (n === undefined || !Number.isInteger(n) || n < 0) throw new Error(`simulateDataset: n must be a non-negative integer with a prior; received ${n}`);
  const thetas = prior.sample(n, new Random(`prior:${seed}`));
  rowCount('simulateDataset (prior.sample)', thetas, d, n);
  return thetas;
}

/** Resolve on the next turn of the event loop (setImmediate in Node, a zero timeout elsewhere). */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/** Simulate a dataset; see the module comment for seeding, dropping and workers. */
export async function simulateDataset(options: SimulateDatasetOptions): Promise<SimulateDatasetResult> {
  const t0 = performance.now();
  const { simulator: spec, onProgress } = options;
  const simulator = isSimulator(spec) ? spec : await loadSimulator(spec);
  const ref = isSimulator(spec) ? spec.workerRef : spec;
  const d = simulator.thetaDim;
  const m = simulator.outputDim;
  const seed = seedOf(options.seed);
  const thetas = resolveThetas(options, d, seed);
  const n = thetas.length / d;
  const t1 = performance.now();

  const parallel = options.parallel;
  const mode = workerMode(options.workers, ref !== undefined && parallel !== undefined);
  let workers = mode === 'auto' ? (parallel?.cores() ?? 0) : mode;
  const chunk = options.chunk ?? Math.max(1, Math.min(1000, Math.ceil(n / (4 * Math.max(1, workers)))));
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`simulateDataset: chunk must be a positive integer; received ${chunk}`);

  const xs = new Float64Array(n * m);
  const threw = new Uint8Array(n);
  let firstError: string | undefined;
  let done = 0;
  const store = (offset: number, r: ChunkResult): void => {
    xs.set(r.xs, offset * m);
    threw.set(r.threw, offset);
    firstError ??= r.firstError;
    done += r.threw.length;
    onProgress?.(done, n);
  };
  const runMain = (offset: number): void => {
    const k = Math.min(chunk, n - offset);
    store(offset, runChunk(simulator, thetas.subarray(offset * d, (offset + k) * d), k, seed, offset));
  };
  onProgress?.(0, n);

  let start = 0;
  if (mode === 'auto' && n > 0) {
    const tp = performance.now();
    runMain(0);
    start = Math.min(chunk, n);
    if (((performance.now() - tp) / start) * (n - start) < AUTO_WORKERS_MIN_MS) workers = 0;
  }
  workers = Math.min(workers, Math.ceil((n - start) / chunk));
  let startupMs = 0;
  if (workers > 0) {
    startupMs = await (parallel as ParallelRunner).run({ ref: ref as SimulatorModuleRef, workers, thetas, d, start, n, chunk, seed, store });
  } else {
    for (let offset = start; offset < n; offset += chunk) {
      if (offset > 0) await yieldToEventLoop(); // let timers, I/O and a page's rendering run
      runMain(offset);
    }
  }
  const t2 = performance.now();
  return {
    ...dropFailed(thetas, xs, threw, d, m, firstError),
    firstError,
    thetaDim: d,
    outputDim: m,
    workers,
    timings: { priorMs: t1 - t0, startupMs, simulateMs: t2 - t1 - startupMs, totalMs: t2 - t0 },
  };
}
