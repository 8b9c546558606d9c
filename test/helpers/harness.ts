import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import type { Bijector } from '../../src/bijectors/bijector.js';
import { Random } from '../../src/random.js';
import type { BijectorCase, InputDomain } from '../catalog/types.js';

export const MAX_BATCH = 6;
export const MAX_DIM = 6;

/** One randomised configuration of a case, drawn by fast-check. */
export interface Draw {
  dim: number;
  contextDim: number;
  batch: number;
  seed: number;
  magnitude: number;
  /** Raw values in [-1, 1], at least MAX_BATCH * MAX_DIM of them. */
  raw: number[];
}

/** Arbitrary over dimensions, context width, batch, seeds, magnitudes and raw input values. */
export function drawArbitrary(c: BijectorCase, direction: 'forward' | 'inverse' = 'forward'): fc.Arbitrary<Draw> {
  const [lo, hi] = c.dims ?? [1, MAX_DIM];
  const maxMag = (direction === 'forward' ? c.magnitude?.forward : c.magnitude?.inverse) ?? 100;
  const contextDims = [c.unconditional === false ? null : 0, c.conditional ? 1 : null, c.conditional ? 3 : null].filter(
    (v): v is number => v !== null,
  );
  return fc.record({
    dim: fc.integer({ min: lo, max: hi }),
    contextDim: fc.constantFrom(...contextDims),
    batch: fc.integer({ min: 1, max: MAX_BATCH }),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
    magnitude: fc.constantFrom(...[0.01, 1, Math.min(10, maxMag), maxMag]),
    raw: fc.array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), {
      minLength: MAX_BATCH * MAX_DIM,
      maxLength: MAX_BATCH * MAX_DIM,
    }),
  });
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
export function instantiate(c: BijectorCase, d: Pick<Draw, 'dim' | 'contextDim' | 'seed'>): Bijector {
  const b = c.make({ dim: d.dim, contextDim: d.contextDim, seed: d.seed });
  const scale = c.perturb ?? 0.3;
  if (scale > 0) {
    const r = new Random(d.seed + 1);
    for (const v of b.trainableVariables()) {
      tf.tidy(() => v.assign(tf.add(v, tf.mul(scale, tf.randomNormal(v.shape, 0, 1, 'float32', r.nextSeed())))));
    }
  }
  if (c.prepare) {
    const r = new Random(d.seed + 2);
    const sample = (n: number) => tf.randomNormal([n, d.dim], 0, 1, 'float32', r.nextSeed()) as tf.Tensor2D;
    const ctx = contextFor({ ...d, batch: 64, magnitude: 1, raw: [] }, 64);
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

/** A description of a draw for failure messages. */
export function describeDraw(c: BijectorCase, d: Draw): string {
  return `${c.name} dim=${d.dim} contextDim=${d.contextDim} batch=${d.batch} seed=${d.seed} magnitude=${d.magnitude}`;
}

/** Dispose every tensor in a nested structure. */
export function disposeAll(...xs: (tf.Tensor | undefined | { out: tf.Tensor; logDet: tf.Tensor })[]): void {
  for (const x of xs) {
    if (!x) continue;
    if (x instanceof tf.Tensor) x.dispose();
    else tf.dispose([x.out, x.logDet]);
  }
}
