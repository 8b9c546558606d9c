/**
 * The Ricker page's only contact with the APIs that the package restructuring (issue 10) moves:
 * the loaded posterior (through `../common/savedModel.ts`), the features of a raw series that it
 * conditions on, and the Ricker simulator of the plug-in under simulators/. After that merge the
 * loading becomes `loadModelFromUrl(jsonUrl)`, sampling uses the feature transform saved inside
 * the posterior (`posterior.sample(rawSeries, n, seed)`) and the simulator import follows the
 * plug-in to simulators/ricker/; the page itself does not change.
 */
import * as tf from '@tensorflow/tfjs';
import { rickerObservationFeatures, type Module, type NeuralPosterior } from '../../src/index.js';
import { fetchSavedModel } from '../common/savedModel.js';
import { ricker, RICKER_PARAM_NAMES, RICKER_PRIOR_HIGH, RICKER_PRIOR_LOW } from '../../simulators/ricker.js';
import { RICKER_FEATURE_MODES, type RickerFeatureMode } from '../../simulators/rickerFeatures.js';

/** Parameter names and the prior box, in the posterior's column order. */
export const PARAMETERS = RICKER_PARAM_NAMES.map((name, i) => ({ name, low: RICKER_PRIOR_LOW[i], high: RICKER_PRIOR_HIGH[i] }));

/** A saved Ricker posterior ready to sample. */
export interface RickerPosterior {
  posterior: NeuralPosterior & Module;
  features: RickerFeatureMode;
  /** Series length the posterior was trained on. */
  T: number;
  /** What the training stored (simulations, density, seed, ...). */
  metadata: Record<string, unknown>;
}

/** Load the posterior saved by `npm run ricker` (JSON and weights beside it) from a URL. */
export async function loadRickerPosterior(jsonUrl: string): Promise<RickerPosterior> {
  const { module: posterior, metadata } = await fetchSavedModel<NeuralPosterior & Module>(jsonUrl);
  const features = (metadata.features as RickerFeatureMode | undefined) ?? 'both';
  if (!RICKER_FEATURE_MODES.includes(features)) throw new Error(`loadRickerPosterior: unknown feature mode "${features}" in ${jsonUrl}`);
  return { posterior, features, T: Number(metadata.T ?? 50), metadata };
}

/** n posterior draws for one raw series, row-major [n, 3] (the CLI's `--posterior` path). */
export function samplePosterior(loaded: RickerPosterior, series: number[], n: number, seed: number): Float64Array {
  const draws = tf.tidy(() => loaded.posterior.sample(rickerObservationFeatures(loaded.features, [series], loaded.T), n, seed));
  const values = Float64Array.from(draws.dataSync());
  draws.dispose();
  return values;
}

/** Simulate n series of length T for the parameter rows of thetas (row-major [n, 3]), seeded. */
export function simulateRicker(thetas: Float64Array, n: number, T: number, seed: number): Float64Array {
  return ricker({ T }).simulate(thetas, n, seed);
}
