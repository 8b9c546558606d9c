import * as tf from '@tensorflow/tfjs';
import { Flow } from '../../flows/flow.js';
import { StandardNormal } from '../../distributions/standardNormal.js';
import { Chain } from '../../bijectors/chain.js';
import { Box } from '../../bijectors/elementwise/box.js';
import { ElementwiseAffine } from '../../bijectors/elementwise/elementwiseAffine.js';
import { maf, type FlowBuilderOptions } from '../../flows/builders.js';
import { nsf } from '../../flows/nsf.js';
import { Standardize } from '../../nn/standardize.js';
import { embeddingDims } from '../../nn/embedding.js';
import type { Module } from '../../module.js';
import type { ModuleConfig } from '../../io/registry.js';
import { fit, type FitOptions, type FitResult } from '../../train/fit.js';
import { TensorDataset } from '../../train/dataset.js';
import { toRandom, type SeedLike } from '../../random.js';
import { NPEPosterior } from './posterior.js';

type Net = Module & { apply(x: tf.Tensor2D): tf.Tensor2D; toConfig(): ModuleConfig };

export interface NPEOptions extends FitOptions {
  /** Parameters, one row per simulation: flat row-major with `thetaDim` columns, or rows. */
  thetas: ArrayLike<number> | number[][];
  /** Observations (features) aligned with thetas: flat with `xDim` columns, or rows. */
  xs: ArrayLike<number> | number[][];
  thetaDim?: number;
  xDim?: number;
  /** Box prior bounds: training runs in the unconstrained space of the Box bijector. */
  bounds?: { low: number[]; high: number[] } | null;
  /** Density estimator (default 'nsf', as sbi's recommendation; 'maf' as an option). */
  density?: 'nsf' | 'maf';
  /** Flow size (transforms, hidden, ...; defaults of the builders). */
  flow?: Omit<FlowBuilderOptions, 'dim' | 'contextDim' | 'seed'> & { bins?: number };
  /** An embedding network trained jointly, mapping z-scored x to the flow's context. */
  embedding?: Net | null;
  parameterNames?: string[];
  seed?: SeedLike;
}

export interface NPEResult {
  posterior: NPEPosterior;
  history: FitResult;
}

function toFlat(where: string, name: string, v: ArrayLike<number> | number[][], width?: number): { values: Float32Array; width: number } {
  if (Array.isArray(v) && Array.isArray(v[0])) {
    const rows = v as number[][];
    return { values: Float32Array.from(rows.flat()), width: rows[0].length };
  }
  if (!width) throw new Error(`${where}: ${name} is flat, so ${name === 'thetas' ? 'thetaDim' : 'xDim'} is required`);
  return { values: Float32Array.from(v as ArrayLike<number>), width };
}

/**
 * Neural posterior estimation (NPE; Papamakarios & Murray 2016, Lueckmann et al. 2017, Greenberg
 * et al. 2019): train a conditional flow q(theta | x) by maximum likelihood on simulated pairs
 * (theta_i ~ prior, x_i ~ simulator(theta_i)), which minimises E_x KL(p(theta | x) || q(theta | x)).
 *
 * - x is z-scored with statistics of the training split (kept inside the posterior);
 * - with box bounds, theta is mapped to R^d by the inverse of `Box` and z-scored there; both maps
 *   are the last, fixed bijectors of the flow, so densities are in original units and samples
 *   never leave the prior support;
 * - an optional embedding network is trained jointly;
 * - training is the shared `fit` routine (defaults batch 200, lr 5e-4, 10% validation,
 *   patience 20, clipping 5), with early stopping on the held-out negative log-likelihood.
 * Rows with NaN or Infinity are dropped and counted; parameters outside the bounds are an error.
 */
export function trainNPE(options: NPEOptions): NPEResult {
  const where = 'trainNPE';
  const theta = toFlat(where, 'thetas', options.thetas, options.thetaDim);
  const x = toFlat(where, 'xs', options.xs, options.xDim);
  const n = theta.values.length / theta.width;
  if (x.values.length / x.width !== n) {
    throw new Error(`${where}: thetas and xs must have the same number of rows; received ${n} and ${x.values.length / x.width}`);
  }
  const bounds = options.bounds ?? null;
  if (bounds) clampInsideBounds(where, theta.values, theta.width, bounds);

  // Drop non-finite rows once, then split so that statistics come from the training rows only.
  const all = new TensorDataset([theta, x], { where, names: ['thetas', 'xs'] });
  const random = toRandom(options.seed);
  const { train, validation } = all.split(options.validationFraction ?? 0.1, random.fork());
  const [thetaTrain, xTrain] = train.columns.map((c) => c.dataSync() as Float32Array);
  const xStandardizer = Standardize.fit(xTrain, x.width);
  // Standardisation of theta in the unconstrained space: u = Box^{-1}(theta).
  const u = bounds ? unconstrain(thetaTrain, theta.width, bounds) : thetaTrain;
  const uStats = Standardize.statistics(u, theta.width);

  const embedding = options.embedding ?? null;
  if (embedding && embeddingDims(embedding).inputDim !== x.width) {
    throw new Error(`${where}: the embedding takes inputs of width ${embeddingDims(embedding).inputDim} but xs have width ${x.width}`);
  }
  const contextDim = embedding ? embeddingDims(embedding).outputDim : x.width;
  const flowOptions = { ...options.flow, dim: theta.width, contextDim, seed: random.fork() };
  const learned = (options.density ?? 'nsf') === 'maf' ? maf(flowOptions) : nsf(flowOptions);
  const fixed = [
    new ElementwiseAffine({ dim: theta.width, shift: uStats.mean, scale: uStats.std.map((s) => (s > 1e-12 ? s : 1)), trainable: false }),
    ...(bounds ? [new Box(bounds)] : []),
  ];
  const flow = new Flow(new StandardNormal(theta.width), new Chain([learned.bijector, ...fixed]));
  const posterior = new NPEPosterior({ xStandardizer, embedding, flow, parameterNames: options.parameterNames, bounds });

  // Training data: x z-scored once here (the standardizer is fixed), theta in original units.
  const zscore = (cols: tf.Tensor2D[]) => [tf.clone(cols[0]), xStandardizer.apply(cols[1])];
  const trainCols = tf.tidy(() => zscore(train.columns));
  const valCols = validation ? tf.tidy(() => zscore(validation.columns)) : null;
  tf.dispose([...train.columns, ...(validation?.columns ?? [])]);
  try {
    const history = fit({
      ...options,
      where,
      model: posterior,
      data: new TensorDataset(trainCols as tf.Tensor2D[], { where }),
      validationData: valCols ? new TensorDataset(valCols as tf.Tensor2D[], { where }) : undefined,
      seed: random.fork(),
      loss: ([t, xz]) => tf.neg(tf.mean(posterior.logProbStandardized(t, xz))) as tf.Scalar,
    });
    posterior.eval();
    return { posterior, history: { ...history, droppedRows: all.dropped } };
  } finally {
    tf.dispose([...trainCols, ...(valCols ?? [])]);
  }
}

/** Parameters on or outside the bounds are an error; those within float32 rounding of a bound move inside. */
function clampInsideBounds(where: string, values: Float32Array, width: number, bounds: { low: number[]; high: number[] }): void {
  for (let i = 0; i < values.length; i++) {
    const j = i % width;
    const lo = bounds.low[j];
    const hi = bounds.high[j];
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo || v > hi) {
      throw new Error(`${where}: thetas column ${j} must lie in [${lo}, ${hi}] (the prior bounds); received ${v} in row ${Math.floor(i / width)}`);
    }
    const margin = (hi - lo) * 1e-6;
    values[i] = Math.min(Math.max(v, lo + margin), hi - margin);
  }
}

/** u = logit((theta - low) / (high - low)) per column, in float64. */
function unconstrain(values: Float32Array, width: number, bounds: { low: number[]; high: number[] }): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const j = i % width;
    const p = (values[i] - bounds.low[j]) / (bounds.high[j] - bounds.low[j]);
    out[i] = Math.log(p) - Math.log1p(-p);
  }
  return out;
}
