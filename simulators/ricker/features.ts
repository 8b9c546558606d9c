/**
 * What the Ricker posterior conditions on, as a feature module of the core (saved inside the
 * posterior, so a saved posterior takes the raw series). Three choices:
 * - 'summaries': the observation-independent summary statistics (`summaries.ts`), each passed
 *   through asinh (linear near 0, logarithmic beyond): autocovariances and variances of counts
 *   span four orders of magnitude across the prior, and z-scoring alone leaves outliers 45
 *   standard deviations out, which the networks learn poorly;
 * - 'raw': the series itself, log1p-transformed (counts span orders of magnitude), for a learned
 *   embedding (a 1-D convolutional network);
 * - 'both': summaries followed by the transformed series, each block with its own embedding;
 * - 'windows': summaries followed by three channels of the series for a sliding-window embedding
 *   (`SlidingWindowEmbedding`): log1p(y) (the scale of the counts), y itself (the Poisson noise
 *   is additive on this scale; the posterior's standardizer rescales it) and 1[y = 0] (zeros,
 *   frequent when the population crashes, are where log1p is least informative), each of length T.
 */
import * as tf from '@tensorflow/tfjs';
import { FeatureChain, FeatureConcat } from '../../src/sbi/features/compose.js';
import { PointwiseFeatures } from '../../src/sbi/features/pointwise.js';
import { SeriesSummaries } from '../../src/sbi/features/seriesSummaries.js';
import type { FeatureModule } from '../../src/sbi/features/featureModule.js';
import { GrowthRegression, GROWTH_REGRESSION_NAMES } from '../../src/sbi/features/growthRegression.js';
import { RICKER_SUMMARY_COUNT } from './summaries.js';

export type RickerFeatureMode = 'summaries' | 'raw' | 'both' | 'windows' | 'markov';
export const RICKER_FEATURE_MODES: readonly RickerFeatureMode[] = ['summaries', 'raw', 'both', 'windows', 'markov'];

/** Channels of the series per feature mode (each of length T, one after the other). */
export function rickerSeriesChannels(mode: RickerFeatureMode): number {
  return mode === 'summaries' ? 0 : mode === 'windows' || mode === 'markov' ? 3 : 1;
}

/** The feature module of a mode for series of length T (summaries first, then the series). */
export function rickerFeatureModule(mode: RickerFeatureMode, T: number): FeatureModule {
  if (!RICKER_FEATURE_MODES.includes(mode)) throw new Error(`rickerFeatureModule: mode must be one of ${RICKER_FEATURE_MODES.join(', ')}; received ${String(mode)}`);
  const summaryCount = rickerSummaryWidth(mode);
  const statistics = () => (mode === 'markov' ? new FeatureConcat([new SeriesSummaries({ length: T }), new GrowthRegression({ length: T })]) : new SeriesSummaries({ length: T }));
  const summaries = () => new FeatureChain([statistics(), new PointwiseFeatures({ dim: summaryCount, fn: 'asinh' })]);
  const series = () => new PointwiseFeatures({ dim: T, fn: 'log1p' });
  if (mode === 'summaries') return summaries();
  if (mode === 'raw') return series();
  if (mode === 'both') return new FeatureConcat([summaries(), series()]);
  return new FeatureConcat([summaries(), series(), new PointwiseFeatures({ dim: T, fn: 'identity' }), new PointwiseFeatures({ dim: T, fn: 'isZero' })]);
}

export interface RickerFeatures {
  /** Row-major [n, width]. */
  values: Float64Array;
  width: number;
  /** Columns of summaries (first) and of the transformed series' channels (after them). */
  summaryWidth: number;
  rawWidth: number;
}

/** Summary statistics per series in a mode (the growth regression's 5 follow Wood's in 'markov'). */
function rickerSummaryWidth(mode: RickerFeatureMode): number {
  return mode === 'raw' ? 0 : RICKER_SUMMARY_COUNT + (mode === 'markov' ? GROWTH_REGRESSION_NAMES.length : 0);
}

/** The feature widths of a mode: summaries first, then the transformed series. */
export function rickerFeatureWidths(mode: RickerFeatureMode, T: number): { summaryWidth: number; rawWidth: number; width: number } {
  const summaryWidth = rickerSummaryWidth(mode);
  const rawWidth = rickerSeriesChannels(mode) * T;
  return { summaryWidth, rawWidth, width: summaryWidth + rawWidth };
}

/** Features of n series of length T (row-major counts), computed by {@link rickerFeatureModule}. */
export function rickerFeatures(ys: Float64Array, n: number, T: number, mode: RickerFeatureMode): RickerFeatures {
  if (ys.length !== n * T) throw new Error(`rickerFeatures: expected ${n} series of length ${T} (${n * T} values); received ${ys.length}`);
  const module = rickerFeatureModule(mode, T);
  try {
    return { values: module.transformRows(ys, n), ...rickerFeatureWidths(mode, T) };
  } finally {
    module.dispose();
  }
}

/**
 * The features of observed series as a tensor ([series, width]), for posteriors saved before
 * feature modules existed (they take features); a current posterior takes the raw series itself.
 */
export function rickerObservationFeatures(mode: RickerFeatureMode, ys: number[][], T: number): tf.Tensor2D {
  const f = rickerFeatures(Float64Array.from(ys.flat()), ys.length, T, mode);
  return tf.tensor2d(Float32Array.from(f.values), [ys.length, f.width]);
}
