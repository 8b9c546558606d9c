/**
 * The run shared by {@link metropolis}, {@link hmc} and {@link nuts}: independent chains advanced
 * in lockstep (one batched density call per step for all chains), each with its own tuning.
 * Warm-up adapts each chain's step size (or proposal scale) by dual averaging toward the kernel's
 * target acceptance, and its diagonal metric (or proposal variances) over Stan's windows
 * (`warmup.ts`), re-initialising the step size after every metric update. Chains share nothing,
 * so R-hat compares honestly independent runs.
 */
import { toRandom, type Random, type SeedLike } from '../random.js';
import { DensityEvaluator, initialPositions, type BatchLogDensity } from './logDensity.js';
import { runLockstep, type Transition } from './lockstep.js';
import { DualAveraging } from './dualAveraging.js';
import { warmupSchedule, WindowVariance } from './warmup.js';
import { McmcResult } from './mcmcResult.js';

/** Options every sampler takes. */
export interface SamplerOptions {
  /** Starting points `[chains, dim]`: one row per chain (nested arrays or a Tensor2D). */
  initial: number[][] | import('@tensorflow/tfjs').Tensor2D;
  /** Warm-up (adaptation) iterations per chain, discarded (default 500). */
  warmup?: number;
  /** Kept draws per chain (default 1000). */
  samples?: number;
  /** Seed or stream; same seed, same draws. */
  seed?: SeedLike;
  /** Target mean acceptance statistic of the step-size adaptation (sampler-specific default). */
  targetAcceptance?: number;
  /** Adapt the diagonal metric (proposal variances) during warm-up (default true). */
  adaptMetric?: boolean;
  /** Called after every iteration with (iteration, total), e.g. for a progress bar. */
  onIteration?: (iteration: number, total: number) => void;
}

/** The state of one chain between transitions. */
export interface ChainState {
  q: Float64Array;
  logp: number;
  /** Gradient at q (an empty array for gradient-free kernels). */
  grad: Float64Array;
}

/** What one transition of a kernel reports. */
export interface TransitionResult extends ChainState {
  acceptStat: number;
  divergent: boolean;
  treeDepth: number;
}

/** A Markov kernel with a step size and a diagonal metric, written as lockstep transitions. */
export interface Kernel {
  readonly name: string;
  readonly usesGradient: boolean;
  readonly defaultTargetAcceptance: number;
  /** Dual averaging shrinks log step sizes toward log(muFactor x the initial one) (default 10). */
  readonly muFactor?: number;
  /**
   * A first step size for the current metric (may evaluate the density); `previous` is the
   * adapted one after a metric update, null at the start.
   */
  initialStepSize(state: ChainState, inverseMass: Float64Array, random: Random, previous: number | null): Transition<number>;
  /** One transition; `adapting` is true during warm-up. */
  transition(state: ChainState, stepSize: number, inverseMass: Float64Array, random: Random, adapting: boolean): Transition<TransitionResult>;
}

function count(sampler: string, name: string, value: unknown, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) {
    throw new Error(`${sampler}: options.${name} must be an integer >= ${min}; received ${String(value)}`);
  }
  return v;
}

/** Run `kernel` on `logDensity` as described in the file comment. */
export function runSampler(kernel: Kernel, logDensity: BatchLogDensity, options: SamplerOptions): McmcResult {
  const name = kernel.name;
  if (typeof logDensity !== 'function') throw new Error(`${name}: logDensity must be a function (x: [chains, dim]) => [chains]; received ${typeof logDensity}`);
  if (!options || typeof options !== 'object') throw new Error(`${name}: options with at least { initial } are required; received ${String(options)}`);
  const warmup = count(name, 'warmup', options.warmup, 500, 0);
  const samples = count(name, 'samples', options.samples, 1000, 1);
  const target = options.targetAcceptance ?? kernel.defaultTargetAcceptance;
  if (!(target > 0 && target < 1)) throw new Error(`${name}: options.targetAcceptance must be in (0, 1); received ${target}`);
  const start = performance.now();
  const { x, chains, dim } = initialPositions(name, options.initial);
  const evaluator = new DensityEvaluator(name, logDensity, chains, dim);
  const first = evaluator.evaluateInitial(x, kernel.usesGradient);
  const random = toRandom(options.seed);
  const streams = Array.from({ length: chains }, () => random.fork());
  const states: ChainState[] = Array.from({ length: chains }, (_, c) => ({
    q: x.slice(c * dim, (c + 1) * dim),
    logp: first.logp[c],
    grad: first.grad ? first.grad.slice(c * dim, (c + 1) * dim) : new Float64Array(0),
  }));
  const evaluations = new Array(chains).fill(1);
  const inverseMass: Float64Array[] = states.map(() => new Float64Array(dim).fill(1));
  const findStepSizes = (previous: (number | null)[]): number[] =>
    runLockstep(evaluator, states.map((s, c) => kernel.initialStepSize(s, inverseMass[c], streams[c], previous[c])), kernel.usesGradient, evaluations);
  const averaging = findStepSizes(new Array(chains).fill(null)).map((eps) => new DualAveraging(eps, target, kernel.muFactor));
  const schedule = warmupSchedule(warmup);
  const adaptMetric = options.adaptMetric ?? true;
  const windows = states.map(() => new WindowVariance(dim));
  const draws = states.map(() => new Float64Array(samples * dim));
  const accept = new Array(chains).fill(0);
  const divergences = new Array(chains).fill(0);
  const depth = new Array(chains).fill(0);
  let stepSizes = averaging.map((a) => a.stepSize);
  const total = warmup + samples;
  for (let it = 0; it < total; it++) {
    const adapting = it < warmup;
    const results = runLockstep(
      evaluator,
      states.map((s, c) => kernel.transition(s, stepSizes[c], inverseMass[c], streams[c], adapting)),
      kernel.usesGradient,
      evaluations,
    );
    results.forEach((r, c) => {
      states[c] = { q: r.q, logp: r.logp, grad: r.grad };
      if (adapting) {
        averaging[c].update(r.acceptStat);
        if (adaptMetric && it >= schedule.windowStart && it < schedule.windowEnds[schedule.windowEnds.length - 1]) windows[c].add(r.q);
      } else {
        draws[c].set(r.q, (it - warmup) * dim);
        accept[c] += r.acceptStat / samples;
        if (r.divergent) divergences[c] += 1;
        depth[c] += r.treeDepth / samples;
      }
    });
    if (adapting) {
      stepSizes = averaging.map((a) => a.stepSize);
      if (adaptMetric && schedule.windowEnds.includes(it + 1)) {
        windows.forEach((w, c) => (inverseMass[c] = w.takeRegularised()));
        findStepSizes(stepSizes).forEach((eps, c) => averaging[c].restart(eps));
        stepSizes = averaging.map((a) => a.stepSize);
      }
      if (it + 1 === warmup) stepSizes = averaging.map((a) => a.finalStepSize);
    }
    options.onIteration?.(it + 1, total);
  }
  return new McmcResult(name, draws, samples, dim, {
    acceptance: accept,
    divergences,
    stepSize: stepSizes,
    inverseMass,
    evaluations,
    batchedCalls: evaluator.calls,
    treeDepth: depth,
    wallTimeMs: performance.now() - start,
  });
}
