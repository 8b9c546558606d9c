/**
 * Tuning of the Ricker importance sampling (RICKER_IMPORTANCE_DEFAULTS): a saved neural posterior
 * (default: the web app's, trained by `npm run ricker` with its defaults and seed 1) importance-
 * sampled against the particle-filter likelihood with M proposals and P particles, scored by C2ST
 * against the PMMH references of one set (the TUNING set by default: defaults are chosen there),
 * beside the neural posterior's own draws, with the effective sample size and the seconds per
 * observation.
 *
 *   node --import tsx bench/rickerImportanceTune.ts [--set tuning|evaluation] [--posterior FILE]
 *     [--proposals M] [--particles P]
 */
import '../src/index.js'; // registers every core module type for loadModel
import { ready } from '../src/backend/index.js';
import { loadModel } from '../src/node/files.js';
import type { NeuralPosterior } from '../src/sbi/npe/types.js';
import type { Module } from '../src/module.js';
import { c2st } from '../src/sbi/diagnostics/c2st.js';
import { rickerImportanceSampled, RICKER_IMPORTANCE_DEFAULTS } from '../simulators/ricker/importance.js';
import { readReferenceSet, REFERENCE_DRAWS, type ReferenceSetName } from './rickerReferenceSet.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const set = flag('set', 'tuning') as ReferenceSetName;
const proposals = Number(flag('proposals', String(RICKER_IMPORTANCE_DEFAULTS.proposals)));
const particles = Number(flag('particles', String(RICKER_IMPORTANCE_DEFAULTS.particles)));
await ready({ quiet: true });
const { module: posterior } = await loadModel<NeuralPosterior & Module>(flag('posterior', 'web/public/data/ricker/posterior.json'));
const corrected = rickerImportanceSampled(posterior, { proposals, particles });
console.log(`${set} set, ${proposals} proposals x ${particles} particles; C2ST of ${REFERENCE_DRAWS} draws against the PMMH reference`);
console.log('reference   C2ST NPE  NPE-IS   ESS   seconds');
const groups: Record<string, { npe: number[]; npeIS: number[] }> = { theta: { npe: [], npeIS: [] }, prior: { npe: [], npeIS: [] } };
for (const [k, ref] of readReferenceSet(set).entries()) {
  const reference = { values: Float64Array.from(ref.draws.flat()), width: 3 };
  const npeDraws = posterior.sample([ref.observed], REFERENCE_DRAWS, 11 + k);
  const plain = Float64Array.from(npeDraws.dataSync());
  npeDraws.dispose();
  const t0 = performance.now();
  const draws = corrected.sample([ref.observed], REFERENCE_DRAWS, 31 + k);
  const values = Float64Array.from(draws.dataSync());
  draws.dispose();
  const seconds = (performance.now() - t0) / 1000;
  const npe = c2st({ values: plain, width: 3 }, reference, { seed: 13 }).accuracy;
  const npeIS = c2st({ values, width: 3 }, reference, { seed: 13 }).accuracy;
  groups[ref.group].npe.push(npe);
  groups[ref.group].npeIS.push(npeIS);
  console.log(`${ref.id.padEnd(10)} ${npe.toFixed(3).padStart(9)} ${npeIS.toFixed(3).padStart(7)} ${corrected.lastDiagnostics[0].ess.toFixed(0).padStart(6)} ${seconds.toFixed(1).padStart(8)}`);
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
console.log(`mean C2ST theta* / prior-drawn: NPE ${mean(groups.theta.npe).toFixed(3)} / ${mean(groups.prior.npe).toFixed(3)}, NPE-IS ${mean(groups.theta.npeIS).toFixed(3)} / ${mean(groups.prior.npeIS).toFixed(3)}`);
posterior.dispose();
