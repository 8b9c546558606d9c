import { execSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import type { Bijector } from '../../src/bijectors/bijector.js';
import { Random } from '../../src/random.js';
import type { BijectorCase, InputDomain } from '../catalog/types.js';

export const MAX_BATCH = 6;
export const MAX_DIM = 6;

/** The fast-check seed every run replays (CI reproducibility). */
export const FIXED_SEED = 20261121;

/**
 * The second seed: fresh per test-file process, so that every local run also explores new draws;
 * under CI (`CI` set) it is derived from the commit being tested, so that CI on a commit is
 * reproducible (a clean run of `CI=true npm test` on that commit replays it) while every new commit
 * still explores new draws. A failure names it; `FLOWSBI_FC_SEED=<seed>` replays exactly that seed
 * (and only it), `=random` draws one.
 */
const replaySeed = process.env.FLOWSBI_FC_SEED;
const FRESH_SEED = process.env.CI ? commitSeed() : Math.floor(Math.random() * 2 ** 31);

/** A seed from the checked-out commit's hash (a fresh one when git is unavailable). */
function commitSeed(): number {
  try {
    const head = execSync('git rev-parse HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return parseInt(head.slice(0, 7), 16) % 2 ** 31;
  } catch {
    return Math.floor(Math.random() * 2 ** 31);
  }
}

/**
 * Check a property on `runs` generated cases from the fixed seed and `runs` more from the fresh
 * one (or on `2 runs` from FLOWSBI_FC_SEED when set). A failure reports the seed and how to
 * replay it, then fast-check's counterexample.
 */
export function assertProperty<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void, runs: number): void {
  const seeds = replaySeed ? [replaySeed === 'random' ? FRESH_SEED : Number(replaySeed)] : [FIXED_SEED, FRESH_SEED];
  const numRuns = replaySeed ? 2 * runs : runs;
  for (const seed of seeds) {
    try {
      fc.assert(fc.property(arb, predicate), { seed, numRuns, endOnFailure: true });
    } catch (error) {
      const kind = seed === FIXED_SEED ? 'the fixed seed' : process.env.CI && !replaySeed ? 'the commit seed' : 'a fresh seed';
      const cause = (error as Error).cause;
      const detail = cause instanceof Error ? `\n${cause.message}` : '';
      throw new Error(`property failed with ${kind} ${seed}; replay with FLOWSBI_FC_SEED=${seed}\n${(error as Error).message}${detail}`);
    }
  }
}

/** Weight-perturbation scales the harness draws from (up to 0.5, past trained scales). */
export const PERTURBATIONS = [0, 0.1, 0.3, 0.5];

/** One randomised configuration of a case, drawn by fast-check. */
export interface Draw {
  dim: number;
  contextDim: number;
  batch: number;
  seed: number;
  magnitude: number;
  /** Magnitude of inverse-direction inputs (the same level of the case's inverse scale). */
  inverseMagnitude: number;
  /** Standard deviation of the noise added to every trainable variable. */
  perturb: number;
  /** Raw values in [-1, 1], at least MAX_BATCH * MAX_DIM of them. */
  raw: number[];
}

/** Magnitude levels of a direction: 0.01, 1, 10 and the case's largest (default 100). */
function magnitudes(c: BijectorCase, direction: 'forward' | 'inverse'): number[] {
  const max = (direction === 'forward' ? c.magnitude?.forward : c.magnitude?.inverse) ?? 100;
  return [0.01, 1, Math.min(10, max), max];
}

/**
 * Arbitrary over dimensions, context width, batch, seeds, magnitudes, weight perturbations and raw
 * input values. `direction` picks which scale `magnitude` follows ('inverse': the inverse one).
 */
export function drawArbitrary(c: BijectorCase, direction: 'forward' | 'inverse' = 'forward'): fc.Arbitrary<Draw> {
  const [lo, hi] = c.dims ?? [1, MAX_DIM];
  const contextDims = [c.unconditional === false ? null : 0, c.conditional ? 1 : null, c.conditional ? 3 : null].filter(
    (v): v is number => v !== null,
  );
  return fc
    .record({
      dim: fc.integer({ min: lo, max: hi }),
      contextDim: fc.constantFrom(...contextDims),
      batch: fc.integer({ min: 1, max: MAX_BATCH }),
      seed: fc.integer({ min: 0, max: 2 ** 30 }),
      level: fc.integer({ min: 0, max: 3 }),
      perturb: fc.constantFrom(...(c.perturb === undefined ? PERTURBATIONS : [c.perturb])),
      raw: fc.array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), {
        minLength: MAX_BATCH * MAX_DIM,
        maxLength: MAX_BATCH * MAX_DIM,
      }),
    })
    .map(({ level, ...d }) => ({
      ...d,
      magnitude: magnitudes(c, direction)[level],
      inverseMagnitude: magnitudes(c, 'inverse')[level],
    }));
}

/** Map raw values in [-1, 1] into a domain: scaled by the magnitude on R, inside an interval. */
export function inputsFor(domain: InputDomain | undefined, d: Draw): tf.Tensor2D {
  const n = d.batch * d.dim;
  const raw = d.raw.slice(0, n);
  let values: number[];
  if (!domain || domain === 'real') values = raw.map((r) => r * d.magnitude);
  else {
    const mid = (domain.low + domain.high) / 2;
    const half = (domain.high - domain.low) / 2;
    values = raw.map((r) => mid + half * r * (1 - 1e-3));
  }
  return tf.tensor2d(values, [d.batch, d.dim]);
}

/** A seeded standard-normal context [batch, contextDim], or undefined. */
export function contextFor(d: Draw, rows = d.batch): tf.Tensor2D | undefined {
  if (d.contextDim === 0) return undefined;
  const r = new Random(d.seed + 17);
  return tf.tensor2d(Array.from({ length: rows * d.contextDim }, () => r.normal()), [rows, d.contextDim]);
}

/** Build a case's bijector, perturb its trainable variables (seeded) and prepare it. */
export function instantiate(c: BijectorCase, d: Pick<Draw, 'dim' | 'contextDim' | 'seed' | 'perturb'>): Bijector {
  const b = c.make({ dim: d.dim, contextDim: d.contextDim, seed: d.seed });
  const scale = d.perturb;
  if (scale > 0) {
    const r = new Random(d.seed + 1);
    for (const v of b.trainableVariables()) {
      tf.tidy(() => v.assign(tf.add(v, tf.mul(scale, tf.randomNormal(v.shape, 0, 1, 'float32', r.nextSeed())))));
    }
  }
  if (c.prepare) {
    const r = new Random(d.seed + 2);
    const sample = (n: number) => tf.randomNormal([n, d.dim], 0, 1, 'float32', r.nextSeed()) as tf.Tensor2D;
    const ctx = contextFor({ ...d, batch: 64, magnitude: 1, inverseMagnitude: 1, raw: [] }, 64);
    c.prepare(b, sample, ctx);
    ctx?.dispose();
  }
  return b;
}

/** Element-wise closeness |a - b| <= abs + rel |b|; returns the worst violation ratio (<= 1 passes). */
export function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, abs: number, rel: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]);
    const ratio = Number.isFinite(err) ? err / (abs + rel * Math.abs(b[i])) : Infinity;
    if (!(ratio <= worst)) worst = ratio;
  }
  return worst;
}

/**
 * Round-trip closeness per row, normwise: |a_i - b_i| <= abs + rel scale_r over the row's entries,
 * with scale_r = max_j |b_j| + conditioning_r (0 when not given); returns the worst violation ratio
 * (<= 1 passes). A multivariate map mixes coordinates, so the float32 rounding of a row's largest
 * entry (ulp(100) = 7.6e-6) reaches its small entries through the conditioner: an error relative
 * to each entry alone would ask for more than float32 holds. `conditioning_r` is what the rounding
 * of the intermediate point costs on the way back: for inverse(forward(x)) = x, the intermediate
 * y = forward(x) is stored with relative error u, and the inverse carries that error to x through
 * J_f(x)^{-1}, so conditioning = ||J_f(x)^{-1}||_inf max_j |y_j| (a MAF-RealNVP chain at magnitude
 * 100 with weights perturbed by 0.5 maps x to |y| ~ 3.6e4, whose float32 spacing alone is 0.004).
 */
export function worstRowRatio(a: ArrayLike<number>, b: ArrayLike<number>, dim: number, abs: number, rel: number, conditioning?: number[]): number {
  let worst = 0;
  for (let start = 0; start < b.length; start += dim) {
    let scale = conditioning ? conditioning[start / dim] : 0;
    let largest = 0;
    for (let i = start; i < start + dim; i++) largest = Math.max(largest, Math.abs(b[i]));
    scale += largest;
    for (let i = start; i < start + dim; i++) {
      const err = Math.abs(a[i] - b[i]);
      const ratio = Number.isFinite(err) ? err / (abs + rel * scale) : Infinity;
      if (!(ratio <= worst)) worst = ratio;
    }
  }
  return worst;
}

/** Per row of `[rows, dim]` values: max_j |v_j| times the given per-row factor. */
export function rowMaxTimes(values: ArrayLike<number>, dim: number, factors: number[]): number[] {
  return factors.map((f, r) => {
    let largest = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) largest = Math.max(largest, Math.abs(values[j]));
    return f * largest;
  });
}

/** A description of a draw for failure messages. */
export function describeDraw(c: BijectorCase, d: Draw): string {
  return `${c.name} dim=${d.dim} contextDim=${d.contextDim} batch=${d.batch} seed=${d.seed} magnitude=${d.magnitude} (inverse ${d.inverseMagnitude}) perturb=${d.perturb}`;
}

/** Dispose every tensor in a nested structure. */
export function disposeAll(...xs: (tf.Tensor | undefined | { out: tf.Tensor; logDet: tf.Tensor })[]): void {
  for (const x of xs) {
    if (!x) continue;
    if (x instanceof tf.Tensor) x.dispose();
    else tf.dispose([x.out, x.logDet]);
  }
}
