/**
 * The Ricker page's contact with the library: the saved posterior (loaded from its URL with the
 * root entry's `loadModelFromUrl`), which holds its feature module and so samples for a raw series,
 * and the Ricker simulator of the plug-in (simulators/ricker/, the `flowsbi/ricker` entry).
 */
import { loadModelFromUrl, type Module, type NeuralPosterior } from '../../src/index.js';
import { ricker, rickerImportanceSampled, RICKER_IMPORTANCE_DEFAULTS, RICKER_PARAM_NAMES, RICKER_PRIOR_HIGH, RICKER_PRIOR_LOW } from '../../simulators/ricker/index.js';

/** Parameter names and the prior box, in the posterior's column order. */
export const PARAMETERS = RICKER_PARAM_NAMES.map((name, i) => ({ name, low: RICKER_PRIOR_LOW[i], high: RICKER_PRIOR_HIGH[i] }));

/** A saved Ricker posterior ready to sample. */
export interface RickerPosterior {
  posterior: NeuralPosterior & Module;
  /** Series length the posterior was trained on. */
  T: number;
  /** What the training stored (simulations, density, seed, ...). */
  metadata: Record<string, unknown>;
}

/** Load the posterior saved by `npm run ricker` (JSON and weights beside it) from a URL relative to the page. */
export async function loadRickerPosterior(jsonUrl: string): Promise<RickerPosterior> {
  const { module: posterior, metadata } = await loadModelFromUrl<NeuralPosterior & Module>(new URL(jsonUrl, location.href));
  if (!posterior.features) throw new Error(`loadRickerPosterior: ${jsonUrl} holds no feature module; re-create it with npm run web:assets:ricker`);
  return { posterior, T: Number(metadata.T ?? 50), metadata };
}

/** n posterior draws for one raw series, row-major [n, 3] (the CLI's `--posterior` path). */
export function samplePosterior(loaded: RickerPosterior, series: number[], n: number, seed: number): Float64Array {
  const draws = loaded.posterior.sample([series], n, seed);
  const values = Float64Array.from(draws.dataSync());
  draws.dispose();
  return values;
}

/**
 * n draws for one raw series importance-sampled against the particle-filter likelihood with the
 * command line's defaults (the CLI's `--posterior` path without `--importance-proposals 0`), and
 * the effective sample size of the weights.
 */
export function importanceSample(loaded: RickerPosterior, series: number[], n: number, seed: number): { samples: Float64Array; ess: number; proposals: number } {
  const corrected = rickerImportanceSampled(loaded.posterior);
  const draws = corrected.sample([series], n, seed);
  const samples = Float64Array.from(draws.dataSync());
  draws.dispose();
  return { samples, ess: corrected.lastDiagnostics[0].ess, proposals: RICKER_IMPORTANCE_DEFAULTS.proposals };
}

/** Simulate n series of length T for the parameter rows of thetas (row-major [n, 3]), seeded. */
export function simulateRicker(thetas: Float64Array, n: number, T: number, seed: number): Float64Array {
  return ricker({ T }).simulate(thetas, n, seed);
}
