// The committed Ricker reference posteriors (bench/data/ricker, written by
// `npm run bench:ricker-references`): every planned reference is on disk, parses, holds 2 000 x 3
// finite draws inside the prior box and the diagnostics of a converged PMMH run (split R-hat < 1.01,
// bulk ESS > 1 000), its observation is the one its seed simulates, and the tuning and evaluation
// sets share no observation.
import { describe, expect, test } from 'vitest';
import { RICKER_PRIOR_HIGH, RICKER_PRIOR_LOW } from '../../simulators/ricker/ricker.js';
import {
  REFERENCE_DRAWS,
  REFERENCE_SET_NAMES,
  readReference,
  readReferenceSet,
  referenceObservation,
  referenceProblems,
  referenceSpecs,
  type RickerReference,
} from '../../bench/rickerReferenceSet.js';

describe('Ricker reference sets', () => {
  const sets = Object.fromEntries(REFERENCE_SET_NAMES.map((s) => [s, readReferenceSet(s)])) as Record<string, RickerReference[]>;

  for (const set of REFERENCE_SET_NAMES) {
    test(`${set}: every planned reference is converged, inside the prior box and reproducible from its seed`, () => {
      const refs = sets[set];
      expect(refs.map((r) => r.id)).toEqual(referenceSpecs(set).map((s) => s.id));
      expect(refs.some((r) => r.group === 'theta') && refs.some((r) => r.group === 'prior')).toBe(true);
      for (const ref of refs) {
        expect(ref.set).toBe(set);
        expect(ref.draws.length).toBe(REFERENCE_DRAWS);
        for (const row of ref.draws) {
          expect(row.length).toBe(3);
          row.forEach((v, j) => {
            expect(Number.isFinite(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(RICKER_PRIOR_LOW[j]);
            expect(v).toBeLessThanOrEqual(RICKER_PRIOR_HIGH[j]);
          });
        }
        const d = ref.diagnostics;
        expect(d.rhat.length).toBe(3);
        expect(Math.max(...d.rhat)).toBeLessThan(1.01);
        expect(Math.min(...d.essBulk)).toBeGreaterThan(1000);
        expect(d.essTail.every((e) => e > 0)).toBe(true);
        expect(d.chains).toBeGreaterThanOrEqual(4);
        const { theta, observed } = referenceObservation({ id: ref.id, group: ref.group, seed: ref.seed });
        expect(ref.observed).toEqual(observed);
        expect(ref.theta).toEqual(theta);
        // The draws are not all alike: a posterior with spread in every parameter.
        for (let j = 0; j < 3; j++) expect(new Set(ref.draws.map((r) => r[j])).size).toBeGreaterThan(REFERENCE_DRAWS / 4);
      }
    });
  }

  test('tuning and evaluation share no seed and no observed series', () => {
    const key = (r: RickerReference): string => r.observed.join(',');
    const tuningSeeds = new Set(sets.tuning.map((r) => r.seed));
    const tuningSeries = new Set(sets.tuning.map(key));
    for (const r of sets.evaluation) {
      expect(tuningSeeds.has(r.seed)).toBe(false);
      expect(tuningSeries.has(key(r))).toBe(false);
    }
  });

  test('the convergence check rejects a reference with R-hat >= 1.01, low ESS or draws outside the prior', () => {
    const ref = readReference('evaluation', 'theta-1')!;
    expect(referenceProblems(ref)).toEqual([]);
    const bad: RickerReference = {
      ...ref,
      draws: [[3.8, -0.1, 10], ...ref.draws.slice(1)],
      diagnostics: { ...ref.diagnostics, rhat: [1.02, 1, 1], essBulk: [999, 2000, 2000] },
    };
    const problems = referenceProblems(bad);
    expect(problems.some((p) => p.includes('R-hat'))).toBe(true);
    expect(problems.some((p) => p.includes('bulk ESS'))).toBe(true);
    expect(problems.some((p) => p.includes('prior box'))).toBe(true);
  });
});
