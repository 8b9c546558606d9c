/**
 * npm run bench:ricker-references [-- --set evaluation|tuning|all] [--only theta-1,prior-2]
 *   [--jobs 2] [--force] [--iterations 12000] [--max-iterations 64000]
 *
 * Writes the Ricker reference posteriors of bench/rickerReferenceSet.ts (which defines the sets,
 * their seeds and the file format) to bench/data/ricker/<set>/<id>.json. Each reference is PMMH by
 * `rickerReferencePosterior` (bench/pmmhRicker.ts: the library's `pmmh`, src/sbi/mcmc/pmmh.ts, the
 * same function `npm run ricker -- --method pmmh` runs) with 4 chains, burn-in 2 000 and particles
 * tuned during burn-in. A run is kept only if split R-hat < 1.01 and bulk ESS > 1 000 hold for
 * every parameter; otherwise the same reference is run again with more kept iterations (1.5 times
 * as many, or as many as the least ESS says are needed with a 20% margin, whichever is more) up to
 * `--max-iterations` per chain. A reference that still fails is not written, and the command exits
 * with status 1 naming it.
 *
 * Prior-drawn observations: the prior group takes seeds base + 1, base + 2, ... in order (see
 * `referenceSpecs`). A seed whose PMMH run cannot meet the criteria within the cap (e.g. a
 * degenerate series) is rejected only by adding it, with the reason, to `REJECTED_PRIOR_SEEDS` in
 * bench/rickerReferenceSet.ts; the next seed then takes its place. Nothing is skipped silently.
 *
 * References already on disk that pass the check are kept unless `--force`. With `--jobs N` the
 * references run in N child processes (each PMMH run is single-threaded and deterministic in its
 * seed, so the result does not depend on N). 2 000 draws are thinned evenly from the pooled
 * chains (`pmmhDraws`) and rounded to 5 significant digits.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RICKER_PARAM_NAMES } from '../simulators/ricker/ricker.js';
import { rickerReferencePosterior, rickerReferenceDraws } from './pmmhRicker.js';
import { pmmhDraws, type PmmhResult } from '../src/sbi/mcmc/pmmh.js';
import {
  REFERENCE_DRAWS,
  REFERENCE_SET_NAMES,
  readReference,
  referenceObservation,
  referenceProblems,
  referenceSetDir,
  referenceSpecs,
  type ReferenceDiagnostics,
  type ReferenceSetName,
  type ReferenceSpec,
  type RickerReference,
} from './rickerReferenceSet.js';

const CHAINS = 4;
const BURN_IN = 2000;
const PILOT_INFORMED_BURN_IN = 500;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Round to 5 significant digits (keeps the files small; far below the posterior's spread). */
function round5(v: number): number {
  return Number(v.toPrecision(5));
}

/**
 * The pilot-informed run of the second and later attempts: a pilot PMMH (defaults, 2 000 kept
 * iterations) gives the particle count, the posterior covariance of its pooled draws and 4 start
 * points spread over them (pooled draws at quantiles 1/8, 3/8, 5/8, 7/8 of the pooled order); the
 * main run starts there with that particle count and the fixed proposal 2.38^2 / 3 times that
 * covariance, after a burn-in of 500.
 */
function pilotInformed(observed: number[], iterations: number, seed: number): { result: PmmhResult; pilotParticles: number } {
  const pilot = rickerReferencePosterior({ observed: Float64Array.from(observed), iterations: 2000, burnIn: BURN_IN, chains: CHAINS, seed: seed + 1 });
  const pooled = pmmhDraws(pilot);
  const n = pooled.length / 3;
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) mean[j] += pooled[3 * i + j] / n;
  const cov = new Float64Array(9);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cov[3 * a + b] += ((pooled[3 * i + a] - mean[a]) * (pooled[3 * i + b] - mean[b])) / (n - 1);
  }
  const initial = [1, 3, 5, 7].map((k) => pooled.slice(3 * Math.floor((k * n) / 8), 3 * Math.floor((k * n) / 8) + 3));
  const result = rickerReferencePosterior({
    observed: Float64Array.from(observed),
    iterations,
    burnIn: PILOT_INFORMED_BURN_IN,
    chains: CHAINS,
    seed,
    particles: pilot.particles,
    initial,
    proposal: { covariance: cov.map((v) => (v * 2.38 ** 2) / 3), adapt: false },
  });
  return { result, pilotParticles: pilot.particles };
}

/**
 * Run PMMH for one reference until it meets the criteria or the cap; null if it never does. For the
 * theta* group the first attempt is `pmmh` with its defaults (adaptive burn-in, particles tuned);
 * every later attempt, and every attempt for the prior group, is {@link pilotInformed}. Why: with
 * the defaults a chain whose likelihood estimates are poor early in burn-in (100 pilot particles:
 * sd of log p_hat 3.5 for evaluation prior-1, 78 for prior-2) sticks, its adapted proposal shrinks
 * and never recovers; prior-1 and prior-2 gave bulk ESS 99 and 104 at 12 000 x 4 iterations.
 */
function makeReference(set: ReferenceSetName, spec: ReferenceSpec, firstIterations: number, maxIterations: number): RickerReference | null {
  const { theta, observed } = referenceObservation(spec);
  const attempts: ReferenceDiagnostics['attempts'] = [];
  const pmmhSeed = spec.seed;
  for (let iterations = firstIterations; iterations <= maxIterations; ) {
    const scheme: ReferenceDiagnostics['scheme'] = attempts.length === 0 && spec.group === 'theta' ? 'adaptive' : 'pilot-informed';
    const r = scheme === 'adaptive'
      ? rickerReferencePosterior({ observed: Float64Array.from(observed), iterations, burnIn: BURN_IN, chains: CHAINS, seed: pmmhSeed })
      : pilotInformed(observed, iterations, pmmhSeed).result;
    const essTail = r.summary.map((s) => s.essTail);
    const draws = rickerReferenceDraws(r, REFERENCE_DRAWS);
    const ref: RickerReference = {
      set,
      id: spec.id,
      group: spec.group,
      seed: spec.seed,
      theta,
      observed,
      names: [...RICKER_PARAM_NAMES],
      draws: Array.from({ length: REFERENCE_DRAWS }, (_, i) => Array.from(draws.subarray(3 * i, 3 * i + 3), round5)),
      posteriorMean: r.mean.map(round5),
      posteriorSd: r.sd.map(round5),
      diagnostics: {
        scheme,
        rhat: r.rhat.map((v) => Number(v.toFixed(5))),
        essBulk: r.ess.map((v) => Math.round(v)),
        essTail: essTail.map((v) => Math.round(v)),
        chains: CHAINS,
        iterations,
        burnIn: scheme === 'adaptive' ? BURN_IN : PILOT_INFORMED_BURN_IN,
        particles: r.particles,
        acceptanceRate: r.acceptanceRate.map((v) => Number(v.toFixed(4))),
        rescues: r.rescues.length,
        pmmhSeed,
        wallTimeSeconds: Number((r.wallTimeMs / 1000).toFixed(1)),
        attempts: [...attempts],
      },
      command: `npm run bench:ricker-references -- --set ${set} --only ${spec.id}`,
    };
    const maxRhat = Math.max(...r.rhat);
    const minEss = Math.min(...r.ess);
    const problems = referenceProblems(ref);
    console.log(
      `${set}/${spec.id} (seed ${spec.seed}): ${scheme}, ${iterations} x ${CHAINS} iterations, ${r.particles} particles, ` +
        `acceptance ${r.acceptanceRate.map((a) => a.toFixed(2)).join('/')}, ` +
        `R-hat max ${maxRhat.toFixed(4)}, bulk ESS min ${minEss.toFixed(0)}, ${(r.wallTimeMs / 1000).toFixed(0)} s` +
        (problems.length ? ` -- not yet: ${problems.join('; ')}` : ' -- OK'),
    );
    if (!problems.length) return ref;
    attempts.push({ scheme, iterations, maxRhat: Number(maxRhat.toFixed(5)), minEssBulk: Math.round(minEss), wallTimeSeconds: Number((r.wallTimeMs / 1000).toFixed(1)) });
    if (iterations === maxIterations) break;
    if (scheme === 'adaptive') continue; // the same length, pilot-informed
    const needed = Number.isFinite(minEss) && minEss > 0 ? Math.ceil((iterations * 1.2 * 1000) / minEss) : Infinity;
    iterations = Math.min(maxIterations, Math.max(Math.ceil(iterations * 1.5), needed));
  }
  return null;
}

/** Run one reference in this process and write it; false if it failed the criteria. */
function runOne(set: ReferenceSetName, spec: ReferenceSpec, iterations: number, maxIterations: number): boolean {
  const ref = makeReference(set, spec, iterations, maxIterations);
  if (!ref) {
    console.error(`${set}/${spec.id} (seed ${spec.seed}): R-hat < 1.01 and bulk ESS > 1000 not reached within ${maxIterations} iterations per chain; NOT written`);
    return false;
  }
  mkdirSync(referenceSetDir(set), { recursive: true });
  const file = path.join(referenceSetDir(set), `${spec.id}.json`);
  writeFileSync(file, `${JSON.stringify(ref)}\n`);
  console.log(`wrote ${file}`);
  return true;
}

/** Run references in `jobs` child processes; resolves to the ids that failed. */
async function runPool(work: { set: ReferenceSetName; spec: ReferenceSpec }[], jobs: number, extra: string[]): Promise<string[]> {
  const failed: string[] = [];
  const script = fileURLToPath(import.meta.url);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const { set, spec } = work[next++];
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, '--set', set, '--only', spec.id, '--jobs', '1', '--force', ...extra], { stdio: 'inherit' });
        child.on('close', resolve);
      });
      if (code !== 0) failed.push(`${set}/${spec.id}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, work.length) }, worker));
  return failed;
}

async function main(): Promise<number> {
  const setArg = arg('--set') ?? 'all';
  const sets = setArg === 'all' ? [...REFERENCE_SET_NAMES].reverse() : [setArg]; // evaluation first
  for (const s of sets) {
    if (!(REFERENCE_SET_NAMES as readonly string[]).includes(s)) {
      console.error(`bench:ricker-references: --set must be tuning, evaluation or all; received "${s}"`);
      return 2;
    }
  }
  const only = arg('--only')?.split(',');
  const jobs = Number(arg('--jobs') ?? 1);
  const iterations = Number(arg('--iterations') ?? 12000);
  const maxIterations = Number(arg('--max-iterations') ?? 64000);
  const force = process.argv.includes('--force');
  const work: { set: ReferenceSetName; spec: ReferenceSpec }[] = [];
  for (const set of sets as ReferenceSetName[]) {
    for (const spec of referenceSpecs(set)) {
      if (only && !only.includes(spec.id)) continue;
      const existing = readReference(set, spec.id);
      if (!force && existing && existing.seed === spec.seed && referenceProblems(existing).length === 0) {
        console.log(`${set}/${spec.id}: kept (converged reference on disk)`);
        continue;
      }
      work.push({ set, spec });
    }
  }
  if (only && work.length === 0 && force) console.error(`bench:ricker-references: no reference named ${only.join(', ')}`);
  let failed: string[];
  if (jobs <= 1) {
    failed = work.filter(({ set, spec }) => !runOne(set, spec, iterations, maxIterations)).map(({ set, spec }) => `${set}/${spec.id}`);
  } else {
    failed = await runPool(work, jobs, ['--iterations', String(iterations), '--max-iterations', String(maxIterations)]);
  }
  if (failed.length) {
    console.error(`FAILED (not written): ${failed.join(', ')}. See REJECTED_PRIOR_SEEDS in bench/rickerReferenceSet.ts for the rule on prior draws.`);
    return 1;
  }
  return 0;
}

main().then((code) => {
  process.exitCode = code;
});
