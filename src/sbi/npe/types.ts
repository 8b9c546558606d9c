/**
 * The posterior interfaces: {@link AmortizedPosterior}, what every diagnostic needs (draws and log
 * densities for many observations at once), and {@link NeuralPosterior}, a trained posterior
 * that also knows its dimensions, names and bounds and can be saved. The diagnostics depend on
 * these interfaces, never the reverse.
 */
import type * as tf from '@tensorflow/tfjs';
import { repeatRows } from '../../distributions/distribution.js';
import type { SeedLike } from '../../random.js';
import type { ModuleConfig } from '../../io/registry.js';
import type { RowsInput } from '../../rows.js';
import type { PriorBounds } from '../simulation/prior.js';
import type { FeatureModule } from '../features/featureModule.js';

/**
 * Observations for a posterior: a [b, xDim] tensor, an array of rows (`number[][]`), `{ values,
 * width }`, or a flat array of b * xDim numbers (one raw series is just its array).
 */
export type ObservationsInput = RowsInput | ArrayLike<number>;
/** Parameters for a posterior's `logProb`: the forms of {@link ObservationsInput}, of width thetaDim. */
export type ParametersInput = RowsInput | ArrayLike<number>;

/**
 * An amortized posterior q(θ | x): one object for every observation.
 * - `sample(xo, n, seed)`: n draws for each of the b rows of xo ([b, xDim]) → [b, n, thetaDim]
 *   (row i holds the draws for observation i). Same seed, same draws.
 * - `logProb(theta, xo)`: log q(θ_k | x_k) for each row k of theta ([m, thetaDim]), paired with
 *   row k of xo ([m, xDim]), or with its single row ([1, xDim]) for every k → [m]. A posterior
 *   whose density is itself an estimate (`ImportanceSampledPosterior`) draws its noise from
 *   `seed`; the others ignore it.
 * - `groupedLogProb` (optional): true when `logProb` also takes xo with b rows, b dividing m,
 *   row i of xo pairing with the L = m / b consecutive theta rows i L .. i L + L - 1 (the draws
 *   of `sample(xo, L)` flattened). The diagnostics then pass each observation once instead of L
 *   copies, and the posterior computes its features and context once per observation.
 * The caller disposes what both return.
 */
export interface AmortizedPosterior {
  sample(xo: tf.Tensor2D, n: number, seed?: SeedLike): tf.Tensor3D;
  logProb(theta: tf.Tensor2D, xo: tf.Tensor2D, seed?: SeedLike): tf.Tensor1D;
  readonly groupedLogProb?: boolean;
}

/**
 * The observations to pass to `posterior.logProb` for L consecutive draws per row of xo (the
 * draws of `sample(xo, L)` flattened): xo itself where the posterior takes grouped observations,
 * else every row repeated L times.
 */
export function observationsForDraws(posterior: AmortizedPosterior, xo: tf.Tensor2D, L: number): tf.Tensor2D {
  return posterior.groupedLogProb ? xo : repeatRows(xo, L);
}

/**
 * A trained amortized posterior (sbi's `NeuralPosterior`): besides draws and log densities for
 * many observations at once (the diagnostics' {@link AmortizedPosterior}), its dimensions,
 * parameter names, prior bounds, means and MAP estimates, and saving (`NPEPosterior`,
 * `PosteriorEnsemble`).
 */
export interface NeuralPosterior extends AmortizedPosterior {
  readonly thetaDim: number;
  readonly xDim: number;
  readonly parameterNames: string[];
  readonly bounds: PriorBounds | null;
  /** The feature module in front of the posterior (null: observations are the features). */
  readonly features: FeatureModule | null;
  sample(xo: ObservationsInput, n: number, seed?: SeedLike): tf.Tensor3D;
  logProb(theta: ParametersInput, xo: ObservationsInput): tf.Tensor1D;
  /** Posterior means from n draws: [b, thetaDim]. */
  mean(xo: ObservationsInput, n?: number, seed?: SeedLike): tf.Tensor2D;
  /** A maximum a posteriori estimate per observation: [b, thetaDim]. */
  map(xo: ObservationsInput, options?: { candidates?: number; seed?: SeedLike }): tf.Tensor2D;
  toConfig(): ModuleConfig;
  dispose(): void;
}

