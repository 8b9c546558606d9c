/**
 * The observed series for the Ricker pipeline: read from a JSON file (an array of counts) and
 * checked, or the built-in observation simulated at theta = (3.8, 0.3, 10).
 */
import { readFile } from 'node:fs/promises';
import { ricker } from '../../simulators/ricker/ricker.js';
import { UsageError } from './args.js';

/** The parameters of the built-in observation: log r = 3.8, sigma = 0.3, phi = 10. */
export const BUILT_IN_THETA = [3.8, 0.3, 10] as const;
/** Seed of the built-in observation (documented so that it can be reproduced). */
export const BUILT_IN_SEED = 20100826;

/** The built-in observation: one Ricker series of length T at BUILT_IN_THETA. */
export function builtInObservation(T: number, seed = BUILT_IN_SEED): number[] {
  return Array.from(ricker({ T }).simulate(Float64Array.from(BUILT_IN_THETA), 1, seed));
}

/**
 * Read and check an observed series: a JSON array of T non-negative integer counts. Every problem
 * is a UsageError whose message names the file and what is wrong with it.
 */
export async function readObservation(path: string, T: number): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`ricker: cannot read the observation file ${path}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`ricker: ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return checkObservation(parsed, T, path);
}

/** Check a parsed observation (see {@link readObservation}). */
export function checkObservation(value: unknown, T: number, source = 'the observation'): number[] {
  if (!Array.isArray(value)) {
    throw new UsageError(`ricker: ${source} must be a JSON array of ${T} counts; received ${value === null ? 'null' : typeof value}`);
  }
  if (value.length !== T) {
    throw new UsageError(`ricker: ${source} must have ${T} counts (the series length T); received ${value.length}`);
  }
  value.forEach((v, t) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UsageError(`ricker: ${source}: entry ${t} must be a finite number; received ${JSON.stringify(v)}`);
    }
    if (v < 0 || !Number.isInteger(v)) {
      throw new UsageError(`ricker: ${source}: entry ${t} must be a non-negative integer count; received ${v}`);
    }
  });
  return value as number[];
}
