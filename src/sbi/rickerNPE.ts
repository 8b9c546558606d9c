/**
 * Neural posterior estimation for the Ricker model with the library's defaults: the features of
 * `simulators/rickerFeatures.ts` and a matching embedding network, the prior box, and trainNPE.
 */
import * as tf from '@tensorflow/tfjs';
import { MLP } from '../nn/mlp.js';
import { Conv1DEmbedding } from '../nn/conv1dEmbedding.js';
import { BlockEmbedding } from '../nn/embedding.js';
import type { Module } from '../module.js';
import type { ModuleConfig } from '../io/registry.js';
import { toRandom, type SeedLike } from '../random.js';
import { trainNPE, type NPEOptions, type NPEResult } from './npe.js';
import { rickerFeatures, type RickerFeatureMode } from '../../simulators/rickerFeatures.js';
import { RICKER_PARAM_NAMES, RICKER_PRIOR_HIGH, RICKER_PRIOR_LOW } from '../../simulators/ricker.js';

type Net = Module & { apply(x: tf.Tensor2D): tf.Tensor2D; toConfig(): ModuleConfig };

/** The embedding network for a feature mode (null: the z-scored summaries condition directly). */
export function rickerEmbedding(mode: RickerFeatureMode, summaryWidth: number, rawWidth: number, seed?: SeedLike): Net | null {
  const random = toRandom(seed);
  const summaryNet = () => new MLP({ inputs: summaryWidth, hidden: [64], outputs: 32, outputActivation: 'relu', seed: random.fork() });
  const seriesNet = () => new Conv1DEmbedding({ length: rawWidth, channels: [16, 32], kernel: 5, outputs: 32, seed: random.fork() });
  if (mode === 'summaries') return null;
  if (mode === 'raw') return seriesNet();
  return new BlockEmbedding([summaryNet(), seriesNet()]);
}

export interface RickerNPEOptions extends Omit<NPEOptions, 'thetas' | 'xs' | 'thetaDim' | 'xDim' | 'bounds' | 'embedding'> {
  thetas: Float64Array;
  /** Simulated series, row-major [n, T]. */
  ys: Float64Array;
  T: number;
  features?: RickerFeatureMode;
}

/**
 * Defaults for the Ricker posterior, chosen by measurement (C2ST against PMMH on five
 * observations at theta = (3.8, 0.3, 10), 20 000 simulations): summaries and the raw series
 * ('both') beat summaries alone (mean C2ST 0.69 vs 0.75) and the raw series alone; batches of 512
 * with learning rate 1e-3 reach the same held-out likelihood as sbi's 200 / 5e-4 in fewer seconds.
 */
export const RICKER_NPE_DEFAULTS = { features: 'both' as RickerFeatureMode, batchSize: 512, learningRate: 1e-3, maxEpochs: 80 };

/** Train the Ricker posterior q(log r, sigma, phi | series) (defaults: {@link RICKER_NPE_DEFAULTS}). */
export function trainRickerNPE(options: RickerNPEOptions): NPEResult & { features: RickerFeatureMode } {
  const mode = options.features ?? RICKER_NPE_DEFAULTS.features;
  const n = options.thetas.length / 3;
  const f = rickerFeatures(options.ys, n, options.T, mode);
  const random = toRandom(options.seed);
  const result = trainNPE({
    batchSize: RICKER_NPE_DEFAULTS.batchSize,
    learningRate: RICKER_NPE_DEFAULTS.learningRate,
    maxEpochs: RICKER_NPE_DEFAULTS.maxEpochs,
    ...stripUndefined(options),
    thetas: options.thetas,
    thetaDim: 3,
    xs: f.values,
    xDim: f.width,
    bounds: { low: [...RICKER_PRIOR_LOW], high: [...RICKER_PRIOR_HIGH] },
    embedding: rickerEmbedding(mode, f.summaryWidth, f.rawWidth, random.fork()),
    parameterNames: [...RICKER_PARAM_NAMES],
    seed: random.fork(),
  });
  return { ...result, features: mode };
}

/** The features of observed series, as a tensor for the posterior ([series, width]). */
export function rickerObservationFeatures(mode: RickerFeatureMode, ys: number[][], T: number): tf.Tensor2D {
  const f = rickerFeatures(Float64Array.from(ys.flat()), ys.length, T, mode);
  return tf.tensor2d(Float32Array.from(f.values), [ys.length, f.width]);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
