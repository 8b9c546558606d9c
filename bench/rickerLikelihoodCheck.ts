/**
 * Is a reference posterior right where NPE disagrees with it? For one Ricker reference, the
 * bootstrap particle filter's log-likelihood estimate (4 000 particles by default, src/sbi/mcmc/particleFilter.ts)
 * at 200 NPE draws and at 200 of the reference's PMMH draws, with quantiles of each. If the NPE
 * draws that lie outside the reference had likelihoods as high as the reference's, PMMH would have
 * missed part of the posterior; if they are clearly lower, the reference stands and NPE is too wide.
 * (The prior is uniform, so the posterior's log density differs from the log-likelihood by a constant inside the box.)
 *
 *   node --import tsx bench/rickerLikelihoodCheck.ts --posterior out/ricker/posterior.json
 *     --reference bench/data/ricker/evaluation/prior-4.json [--particles 4000] [--draws 200]
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '../src/index.js'; // registers every core module type for loadModel
import { ready } from '../src/backend/index.js';
import { loadModel } from '../src/node/files.js';
import type { NeuralPosterior } from '../src/sbi/npe/types.js';
import type { Module } from '../src/module.js';
import { BootstrapParticleFilter } from '../src/sbi/mcmc/particleFilter.js';
import { RickerStateSpace } from '../simulators/ricker/stateSpace.js';
import type { RickerReference } from './rickerReferenceSet.js';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`rickerLikelihoodCheck: --${name} is required`);
  return fallback;
}
const particles = Number(arg('particles', '4000'));
const n = Number(arg('draws', '200'));
const ref = JSON.parse(readFileSync(arg('reference'), 'utf8')) as RickerReference;
await ready({ quiet: true });
const { module: posterior } = await loadModel<NeuralPosterior & Module>(arg('posterior'));
const npe = tf.tidy(() => posterior.sample([ref.observed], n, 3).arraySync() as number[][][])[0];
const step = Math.max(1, Math.floor(ref.draws.length / n));
const reference = ref.draws.filter((_, i) => i % step === 0).slice(0, n);
const filter = new BootstrapParticleFilter(new RickerStateSpace(), ref.observed, { particles });
let seed = 1;
const logLikelihood = (theta: number[]) => filter.logLikelihood(Float64Array.from(theta), seed++);

const mean = (d: number[][]) => [0, 1, 2].map((j) => (d.reduce((a, r) => a + r[j], 0) / d.length).toFixed(3)).join(', ');
console.log(`${ref.set}/${ref.id}: true theta ${ref.theta.map((v) => v.toFixed(3)).join(', ')}; mean of the reference ${mean(reference)}, of NPE ${mean(npe)}`);
console.log(`log-likelihood (${particles} particles), quantiles 5 / 25 / 50 / 75 / 95%:`);
for (const [name, draws] of [['reference', reference], ['NPE', npe]] as const) {
  const v = draws.map(logLikelihood).sort((a, b) => a - b);
  const q = (p: number) => v[Math.round(p * (v.length - 1))].toFixed(1);
  console.log(`  ${name.padEnd(9)} ${[0.05, 0.25, 0.5, 0.75, 0.95].map(q).join(' / ')}`);
}
posterior.dispose();
