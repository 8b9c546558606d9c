import * as tf from '@tensorflow/tfjs';
import { Flow } from '../../flows/flow.js';
import { StandardNormal } from '../../distributions/standardNormal.js';
import { Chain } from '../../bijectors/chain.js';
import { Box } from '../../bijectors/elementwise/box.js';
import { ElementwiseAffine } from '../../bijectors/elementwise/elementwiseAffine.js';
import { maf, type FlowBuilderOptions } from '../../flows/builders.js';
import { nsf } from '../../flows/nsf.js';
import { Standardize } from '../../nn/standardize.js';
import { embeddingDims, type Embedding } from '../../nn/embedding.js';
import { fit, type FitOptions, type FitResult } from '../../train/fit.js';
import { readRowsOrFlat, selectRows, type CheckedRows, type Rows, type RowsInput } from '../../rows.js';
import type { PriorBounds } from '../simulation/prior.js';
import type { FeatureModule } from '../features/featureModule.js';
import { toRandom, type Random, type SeedLike } from '../../random.js';
import { NPEPosterior } from './posterior.js';
import { registerWorkerLoss } from '../../train/gradientWorkers.js';
import type { Module } from '../../module.js';

/** NPE's minibatch loss, -mean log q(theta | x) on [theta, standardised x] (also what data-parallel helpers run). */
const NPE_LOSS = 'npe';
function npeLoss(posterior: Module, [theta, xz]: tf.Tensor2D[]): tf.Scalar {
  return tf.neg(tf.mean((posterior as NPEPosterior).logProbStandardized(theta, xz))) as tf.Scalar;
}
registerWorkerLoss(NPE_LOSS, npeLoss);

/** The rows of `simulateDataset`'s result that NPE trains on. */
export interface SimulatedPairs {
  readonly thetas: ArrayLike<number>;
  readonly xs: ArrayLike<number>;
  readonly thetaDim: number;
  readonly outputDim: number;
}

export interface NPEOptions extends FitOptions {
  /** The output of `simulateDataset` (thetas, xs and their widths), instead of `thetas` and `xs`. */
  simulations?: SimulatedPairs;
  /** Parameters, one row per simulation: rows, `{ values, width }`, a tensor, or flat with `thetaDim`. */
  thetas?: RowsInput | ArrayLike<number>;
  /** Observations aligned with thetas (raw when `features` is given): as thetas, flat with `xDim`. */
  xs?: RowsInput | ArrayLike<number>;
  thetaDim?: number;
  xDim?: number;
  /**
   * Box prior bounds (e.g. `prior.bounds` of a `UniformPrior`, as it is): training runs in the
   * unconstrained space of the Box bijector and samples never leave the box. Omit (or null) for
   * an unbounded prior.
   */
  bounds?: PriorBounds | null;
  /**
   * A feature module applied to every raw observation before standardisation and the embedding;
   * it is saved inside the posterior, which then takes raw observations.
   */
  features?: FeatureModule | null;
  /** Density estimator (default 'nsf', as sbi's recommendation; 'maf' as an option). */
  density?: 'nsf' | 'maf';
  /** Flow size (transforms, hidden, ...; defaults of the builders). */
  flow?: Omit<FlowBuilderOptions, 'dim' | 'contextDim' | 'seed'> & { bins?: number };
  /** An embedding network trained jointly, mapping z-scored features to the flow's context. */
  embedding?: Embedding | null;
  parameterNames?: string[];
  seed?: SeedLike;
  /**
   * Continue training this posterior instead of building a new one (sbi's default in sequential
   * rounds, `retrain_from_scratch=False`): its feature module, x standardisation, theta
   * standardisation, embedding and flow are kept as they are (fitted on the data it was first
   * trained on) and trained further; `features`, `embedding`, `density`, `flow` and `bounds` are
   * then taken from it. The returned posterior is this object.
   */
  continueFrom?: NPEPosterior;
}

export interface NPEResult {
  posterior: NPEPosterior;
  history: FitResult;
}

function readInput(where: string, name: string, dimName: string, v: RowsInput | ArrayLike<number> | undefined, width?: number): CheckedRows {
  if (v === undefined) throw new Error(`${where}: ${name} is required (or pass simulations, the output of simulateDataset)`);
  return readRowsOrFlat(where, name, dimName, v, width);
}

/**
 * Neural posterior estimation (NPE; Papamakarios & Murray 2016, Lueckmann et al. 2017, Greenberg
 * et al. 2019): train a conditional flow q(theta | x) by maximum likelihood on simulated pairs
 * (theta_i ~ prior, x_i ~ simulator(theta_i)), which minimises E_x KL(p(theta | x) || q(theta | x)).
 *
 * The data path, once: rows are read on the host (float32, as training uses them), the feature
 * module (if any) maps raw observations to features, rows with NaN or Infinity are dropped and
 * counted, a seeded split sets validation rows apart, and the statistics come from the training
 * rows only; then each split becomes tensors once and `fit` trains on them.
 * - x is z-scored with statistics of the training split (kept inside the posterior);
 * - with box bounds, theta is mapped to R^d by the inverse of `Box` and z-scored there; both maps
 *   are the last, fixed bijectors of the flow, so densities are in original units and samples
 *   never leave the prior support; without bounds theta is z-scored directly;
 * - an optional embedding network is trained jointly;
 * - training is the shared `fit` routine (defaults batch 200, lr 5e-4, 10% validation,
 *   patience 20, clipping 5), with early stopping on the held-out negative log-likelihood.
 * Parameters outside the bounds are an error.
 */
export function trainNPE(options: NPEOptions): NPEResult {
  const where = 'trainNPE';
  const sims = options.simulations;
  const theta = sims
    ? readInput(where, 'simulations.thetas', 'simulations.thetaDim', sims.thetas, sims.thetaDim)
    : readInput(where, 'thetas', 'thetaDim', options.thetas, options.thetaDim);
  const rawX = sims
    ? readInput(where, 'simulations.xs', 'simulations.outputDim', sims.xs, sims.outputDim)
    : readInput(where, 'xs', 'xDim', options.xs, options.xDim);
  if (rawX.rows !== theta.rows) {
    throw new Error(`${where}: thetas and xs must have the same number of rows; received ${theta.rows} and ${rawX.rows}`);
  }
  const previous = options.continueFrom ?? null;
  const features = previous ? previous.features : (options.features ?? null);
  if (features && features.inputDim !== rawX.width) {
    throw new Error(`${where}: the feature module takes observations of width ${features.inputDim} but xs have width ${rawX.width}`);
  }
  const x = features ? features.transform(rawX) : rawX;
  const thetaValues = Float32Array.from(theta.values);
  const xValues = Float32Array.from(x.values);
  const bounds = previous ? previous.bounds : (options.bounds ?? null);
  if (previous && (previous.thetaDim !== theta.width || previous.xDim !== rawX.width)) {
    throw new Error(`${where}: continueFrom takes thetas of width ${previous.thetaDim} and xs of width ${previous.xDim}; received ${theta.width} and ${rawX.width}`);
  }
  if (bounds) moveInsideBounds(where, theta.values, thetaValues, theta.width, bounds);

  // Drop non-finite rows once, then split so that statistics come from the training rows only.
  const kept: number[] = [];
  for (let i = 0; i < theta.rows; i++) if (isFiniteRow(thetaValues, theta.width, i) && isFiniteRow(xValues, x.width, i)) kept.push(i);
  if (kept.length === 0) throw new Error(`${where}: all ${theta.rows} rows contain NaN or Infinity; nothing to train on`);
  const dropped = theta.rows - kept.length;
  const random = toRandom(options.seed);
  const validationFraction = options.validationFraction ?? 0.1;
  if (!(validationFraction >= 0 && validationFraction < 1)) throw new Error(`${where}: validationFraction must be in [0, 1); received ${validationFraction}`);
  const order = random.fork().permutation(kept.length);
  const nVal = Math.floor(kept.length * validationFraction);
  const pick = (idx: Int32Array) => Array.from(idx, (k) => kept[k]);
  const trainRows = pick(order.subarray(nVal));
  const valRows = pick(order.subarray(0, nVal));
  const thetaTrain = selectRows(thetaValues, theta.width, trainRows);
  const xTrain = selectRows(xValues, x.width, trainRows);
  const posterior = previous ?? buildPosterior(options, { thetaTrain, xTrain, thetaWidth: theta.width, xWidth: x.width, features, bounds, random, where });
  const { xStandardizer } = posterior;

  // Training data: x z-scored on the host in float32 (the same roundings as the standardizer's
  // tensor ops), theta in original units; `fit` uploads each split once.
  const mean32 = Float32Array.from(xStandardizer.mean.dataSync());
  const std32 = Float32Array.from(xStandardizer.std.dataSync());
  const columns = (rows: number[]): Rows[] => {
    const xz = selectRows(xValues, x.width, rows);
    for (let i = 0; i < xz.length; i++) xz[i] = Math.fround(Math.fround(xz[i] - mean32[i % x.width]) / std32[i % x.width]);
    return [{ values: selectRows(thetaValues, theta.width, rows), width: theta.width }, { values: xz, width: x.width }];
  };
  const valCols = valRows.length > 0 ? columns(valRows) : undefined;
  try {
    const history = fit({
      ...options,
      where,
      model: posterior,
      data: columns(trainRows),
      validationData: valCols,
      validationFraction: valCols ? validationFraction : 0,
      seed: random.fork(),
      loss: (columns) => npeLoss(posterior, columns),
      workerLoss: NPE_LOSS,
    });
    posterior.eval();
    return { posterior, history: { ...history, droppedRows: dropped } };
  } catch (error) {
    if (!previous) posterior.dispose();
    throw error;
  }
}

/** A new posterior: x and theta standardisations fitted on the training rows, the embedding, a new flow. */
function buildPosterior(
  options: NPEOptions,
  d: { thetaTrain: Float32Array; xTrain: Float32Array; thetaWidth: number; xWidth: number; features: FeatureModule | null; bounds: PriorBounds | null; random: Random; where: string },
): NPEPosterior {
  const { thetaTrain, xTrain, thetaWidth, xWidth, features, bounds, random, where } = d;
  const xStandardizer = Standardize.fit(xTrain, xWidth);
  // Standardisation of theta in the unconstrained space: u = Box^{-1}(theta).
  const u = bounds ? unconstrain(thetaTrain, thetaWidth, bounds) : thetaTrain;
  const uStats = Standardize.statistics(u, thetaWidth);

  const embedding = options.embedding ?? null;
  if (embedding && embeddingDims(embedding).inputDim !== xWidth) {
    throw new Error(`${where}: the embedding takes inputs of width ${embeddingDims(embedding).inputDim} but the ${features ? 'features have' : 'xs have'} width ${xWidth}`);
  }
  const contextDim = embedding ? embeddingDims(embedding).outputDim : xWidth;
  const flowOptions = { ...options.flow, dim: thetaWidth, contextDim, seed: random.fork() };
  const learned = (options.density ?? 'nsf') === 'maf' ? maf(flowOptions) : nsf(flowOptions);
  const fixed = [
    new ElementwiseAffine({ dim: thetaWidth, shift: uStats.mean, scale: uStats.std.map((s) => (s > 1e-12 ? s : 1)), trainable: false }),
    ...(bounds ? [new Box({ low: [...bounds.low], high: [...bounds.high] })] : []),
  ];
  const flow = new Flow(new StandardNormal(thetaWidth), new Chain([learned.bijector, ...fixed]));
  return new NPEPosterior({ features, xStandardizer, embedding, flow, parameterNames: options.parameterNames, bounds });
}

function isFiniteRow(values: Float32Array, width: number, row: number): boolean {
  for (let j = 0; j < width; j++) if (!Number.isFinite(values[row * width + j])) return false;
  return true;
}

/**
 * Parameters on or outside the (open) prior box are an error, checked on the values as given
 * (float64). Training runs in float32, where a value strictly inside can round onto a bound (for
 * bounds far from 0 relative to their width), and the Box map's inverse is then infinite: such a
 * float32 value moves to the nearest float32 strictly inside both the bound and its float32
 * rounding. A fixed relative margin cannot do this: below float32's spacing it rounds back.
 */
function moveInsideBounds(where: string, given: ArrayLike<number>, values: Float32Array, width: number, bounds: PriorBounds): void {
  for (let i = 0; i < values.length; i++) {
    const j = i % width;
    const lo = bounds.low[j];
    const hi = bounds.high[j];
    const v = given[i];
    if (!Number.isFinite(v)) continue;
    if (!(v > lo && v < hi)) {
      throw new Error(`${where}: thetas column ${j} must lie inside (${lo}, ${hi}) (the prior bounds, open); received ${v} in row ${Math.floor(i / width)}`);
    }
    const floor = Math.max(lo, Math.fround(lo));
    const ceiling = Math.min(hi, Math.fround(hi));
    let u = values[i];
    while (u <= floor) u = nextFloat32(u, 1);
    while (u >= ceiling) u = nextFloat32(u, -1);
    if (!(u > floor && u < ceiling)) {
      throw new Error(`${where}: the prior bounds (${lo}, ${hi}) of column ${j} hold no float32 value strictly inside; widen them or shift the parameter`);
    }
    values[i] = u;
  }
}

const bits32 = new Float32Array(1);
const int32 = new Int32Array(bits32.buffer);

/** The float32 next to the float32 x, towards +Infinity (direction 1) or -Infinity (-1). */
function nextFloat32(x: number, direction: 1 | -1): number {
  bits32[0] = x;
  if (bits32[0] === 0) return direction * 1.401298464324817e-45; // the smallest subnormal
  int32[0] += (bits32[0] > 0) === (direction > 0) ? 1 : -1;
  return bits32[0];
}

/** u = logit((theta - low) / (high - low)) per column, in float64. */
function unconstrain(values: Float32Array, width: number, bounds: PriorBounds): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const j = i % width;
    const p = (values[i] - bounds.low[j]) / (bounds.high[j] - bounds.low[j]);
    out[i] = Math.log(p) - Math.log1p(-p);
  }
  return out;
}
