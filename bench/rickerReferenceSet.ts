/**
 * The Ricker reference sets (issue 15): observations of T = 50 counts, each with 2 000 draws from
 * its exact posterior by PMMH (bench/pmmhRicker.ts, the pmmh of src/sbi/mcmc/pmmh.ts that
 * `npm run ricker -- --method pmmh` runs) and the convergence diagnostics of the run that made
 * them. Two sets, kept apart:
 *
 * - `tuning`: the observations defaults may be chosen on (the built-in observation and the
 *   seeds the earlier benchmark used among them);
 * - `evaluation`: the observations figures are reported on, never used to choose anything.
 *
 * Each set has a `theta` group (simulated at theta* = (3.8, 0.3, 10)) and a `prior` group (theta
 * drawn from Wood's prior). This file defines the sets (names, seeds), the file format, reading,
 * and the one check every consumer applies (the generator before writing, the benchmark before
 * scoring, the unit test): finite draws inside the prior box, split R-hat < 1.01 and bulk ESS >
 * 1 000 for every parameter. Files: bench/data/ricker/<set>/<id>.json, written by
 * `npm run bench:ricker-references` (bench/rickerReferences.ts).
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ricker, rickerPrior, RICKER_PRIOR_LOW, RICKER_PRIOR_HIGH } from '../simulators/ricker/ricker.js';

/** theta* of the issue and of the built-in observation: (log r, sigma, phi). */
export const REFERENCE_THETA_STAR = [3.8, 0.3, 10] as const;
/** Series length of every reference observation. */
export const REFERENCE_T = 50;
/** Reference draws per observation (the C2ST sample size). */
export const REFERENCE_DRAWS = 2000;
/** Convergence criteria every reference must meet. */
export const REFERENCE_MAX_RHAT = 1.01;
export const REFERENCE_MIN_ESS_BULK = 1000;

/** The names of the two sets. */
export const REFERENCE_SET_NAMES = ['tuning', 'evaluation'] as const;
export type ReferenceSetName = (typeof REFERENCE_SET_NAMES)[number];
export type ReferenceGroup = 'theta' | 'prior';

/** One planned reference: where its observation comes from. */
export interface ReferenceSpec {
  /** File stem, e.g. "theta-1" or "prior-3". */
  id: string;
  group: ReferenceGroup;
  /** Seed of the observation's stream (seed, 0) and, for the prior group, of the prior draw. */
  seed: number;
}

/**
 * Prior-group seeds that were drawn in order and rejected, with the reason. The rule:
 * prior observations take seeds base + 1, base + 2, ... in order; a seed is rejected only if its
 * PMMH run cannot meet the criteria within the generator's iteration cap, and is then listed here
 * (never skipped silently) and the next seed takes its place.
 */
export const REJECTED_PRIOR_SEEDS: Record<number, string> = {
  60004:
    'theta (4.210, 0.161, 19.41): PMMH mixes too slowly to converge within the cap; pilot-informed runs with 400 ' +
    'particles accept 8-10% of moves (sticky likelihood estimates at large phi and small sigma): 12 000 x 4 ' +
    'iterations gave R-hat 1.014 and bulk ESS 242 (sigma), 59 422 x 4 gave R-hat 1.030 and bulk ESS 164 (sigma)',
};

function priorSeeds(base: number, count: number): number[] {
  const out: number[] = [];
  for (let s = base + 1; out.length < count; s++) if (!(s in REJECTED_PRIOR_SEEDS)) out.push(s);
  return out;
}

/**
 * The planned references of a set. Tuning: the built-in observation (seed 20100826) and seeds
 * 1001-1003 (the observations the earlier `bench:ricker` scored, so defaults were already chosen
 * on them), plus 8 prior draws from seeds 60001... (4 until 2026-12-04, when the next 4 in order
 * were added: the first 4 had no series with sigma below 0.2, the regime where the evaluation
 * set's prior-drawn C2ST was worst, so no default had been measured there). Evaluation: 6 observations at theta* from seeds
 * 70001-70006 and 6 prior draws from seeds 80001..., none used before. Large seeds keep the
 * streams (seed, 0) apart from the pipeline's training (seed 1) and calibration (seed 101) streams.
 */
export function referenceSpecs(set: ReferenceSetName): ReferenceSpec[] {
  const theta = set === 'tuning' ? [20100826, 1001, 1002, 1003] : [70001, 70002, 70003, 70004, 70005, 70006];
  const prior = set === 'tuning' ? priorSeeds(60000, 8) : priorSeeds(80000, 6);
  return [
    ...theta.map((seed, i): ReferenceSpec => ({ id: `theta-${i + 1}`, group: 'theta', seed })),
    ...prior.map((seed, i): ReferenceSpec => ({ id: `prior-${i + 1}`, group: 'prior', seed })),
  ];
}

/** The parameters and the observation of a planned reference (deterministic in the seed). */
export function referenceObservation(spec: ReferenceSpec): { theta: number[]; observed: number[] } {
  const theta = spec.group === 'theta' ? Float64Array.from(REFERENCE_THETA_STAR) : rickerPrior().sample(1, spec.seed);
  const observed = new Ricker({ T: REFERENCE_T }).simulate(theta, 1, spec.seed);
  return { theta: Array.from(theta), observed: Array.from(observed) };
}

/** Per-parameter convergence diagnostics of the PMMH run behind a reference. */
export interface ReferenceDiagnostics {
  /** 'adaptive': pmmh's defaults; 'pilot-informed': started from a pilot run (bench/rickerReferences.ts). */
  scheme: 'adaptive' | 'pilot-informed';
  rhat: number[];
  essBulk: number[];
  essTail: number[];
  chains: number;
  /** Kept iterations per chain. */
  iterations: number;
  burnIn: number;
  particles: number;
  acceptanceRate: number[];
  /** Burn-in restarts of stuck chains (pmmh's rescue). */
  rescues: number;
  pmmhSeed: number;
  wallTimeSeconds: number;
  /** Earlier runs of the same reference that missed the criteria (iterations, worst R-hat, least ESS). */
  attempts: { scheme: 'adaptive' | 'pilot-informed'; iterations: number; maxRhat: number; minEssBulk: number; wallTimeSeconds: number }[];
}

/** One reference file. */
export interface RickerReference {
  set: ReferenceSetName;
  id: string;
  group: ReferenceGroup;
  seed: number;
  theta: number[];
  observed: number[];
  names: string[];
  /** REFERENCE_DRAWS rows of (log r, sigma, phi), rounded to 5 significant digits. */
  draws: number[][];
  posteriorMean: number[];
  posteriorSd: number[];
  diagnostics: ReferenceDiagnostics;
  command: string;
}

/** Where the files of a set live. */
export function referenceSetDir(set: ReferenceSetName): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'ricker', set);
}

/** Everything wrong with a reference (empty when it can be used). */
export function referenceProblems(ref: RickerReference): string[] {
  const problems: string[] = [];
  const d = ref.diagnostics;
  if (ref.observed.length !== REFERENCE_T || !ref.observed.every((v) => Number.isInteger(v) && v >= 0)) {
    problems.push(`observed must be ${REFERENCE_T} non-negative integers`);
  }
  if (ref.draws.length !== REFERENCE_DRAWS) problems.push(`${ref.draws.length} draws instead of ${REFERENCE_DRAWS}`);
  const outside = ref.draws.filter(
    (row) => row.length !== 3 || !row.every((v, j) => Number.isFinite(v) && v >= RICKER_PRIOR_LOW[j] && v <= RICKER_PRIOR_HIGH[j]),
  ).length;
  if (outside) problems.push(`${outside} draws are not 3 finite values inside the prior box`);
  d.rhat.forEach((r, j) => {
    if (!(r < REFERENCE_MAX_RHAT)) problems.push(`${ref.names[j]}: R-hat ${r.toFixed(4)} >= ${REFERENCE_MAX_RHAT}`);
  });
  d.essBulk.forEach((e, j) => {
    if (!(e > REFERENCE_MIN_ESS_BULK)) problems.push(`${ref.names[j]}: bulk ESS ${e.toFixed(0)} <= ${REFERENCE_MIN_ESS_BULK}`);
  });
  return problems;
}

/** Read one reference; null when its file does not exist. */
export function readReference(set: ReferenceSetName, id: string): RickerReference | null {
  const file = path.join(referenceSetDir(set), `${id}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RickerReference) : null;
}

/**
 * Read every reference of a set, in plan order. Throws (naming the files) if one is missing or
 * fails the criteria, so no figure is ever computed against an unconverged reference.
 */
export function readReferenceSet(set: ReferenceSetName): RickerReference[] {
  const refs: RickerReference[] = [];
  const bad: string[] = [];
  for (const spec of referenceSpecs(set)) {
    const ref = readReference(set, spec.id);
    if (!ref) bad.push(`${spec.id}: missing`);
    else if (ref.seed !== spec.seed) bad.push(`${spec.id}: seed ${ref.seed}, planned ${spec.seed}`);
    else {
      const p = referenceProblems(ref);
      if (p.length) bad.push(`${spec.id}: ${p.join('; ')}`);
      else refs.push(ref);
    }
  }
  if (bad.length) {
    throw new Error(`readReferenceSet: the ${set} set in ${referenceSetDir(set)} is incomplete or unconverged (run npm run bench:ricker-references -- --set ${set}):\n  ${bad.join('\n  ')}`);
  }
  return refs;
}
