/**
 * A normalizing flow as variational posterior over all parameters (Rezende & Mohamed 2015; Kingma
 * et al. 2016), fitted by the library's reverse-KL {@link fitVariational}. The flow is a stack of
 * autoregressive (IAF, MAF) or spline (NSF, coupling) layers followed by a learnable elementwise
 * affine map x -> mu + sigma * x. Starting mu, sigma at a mean-field fit (`loc`, `scale`) puts the
 * flow where mean-field ended; the layers then add what a diagonal Gaussian cannot express
 * (correlations, skew). IAF and coupling NSF sample in one pass, as reverse KL needs; MAF samples
 * in `dim` passes and is only practical for small dimensions.
 */
import { Flow } from '../flows/flow.js';
import { iaf, maf } from '../flows/builders.js';
import { nsf } from '../flows/nsf.js';
import { Chain } from '../bijectors/chain.js';
import { ElementwiseAffine } from '../bijectors/elementwise/elementwiseAffine.js';
import { StandardNormal } from '../distributions/standardNormal.js';
import { fitVariational, type FitVariationalOptions, type LogDensity } from '../train/variational.js';
import { assertPositiveInt } from '../validation.js';
import type { VariationalFit } from './meanField.js';

/** Options of {@link flowPosterior}. */
export interface FlowPosteriorOptions extends FitVariationalOptions {
  dim: number;
  /** Layer family (default 'iaf'). */
  flow?: 'iaf' | 'maf' | 'nsf';
  /** Flow layers (default 4) and their hidden widths (default [64, 64]). */
  transforms?: number;
  hidden?: number[];
  /** Initial shift and scale of the final affine map (default 0 and 1), e.g. a mean-field fit. */
  loc?: number | number[];
  scale?: number | number[];
}

/** The flow of {@link flowPosterior}, unfitted. */
export function buildFlowPosterior(options: FlowPosteriorOptions): Flow {
  assertPositiveInt('flowPosterior', 'dim', options?.dim);
  const family = options.flow ?? 'iaf';
  const spec = { dim: options.dim, transforms: options.transforms ?? 4, hidden: options.hidden ?? [64, 64], seed: options.seed };
  let layers: Flow;
  if (family === 'iaf') layers = iaf(spec);
  else if (family === 'maf') layers = maf(spec);
  else if (family === 'nsf') layers = nsf({ ...spec, coupling: true });
  else throw new Error(`flowPosterior: flow must be 'iaf', 'maf' or 'nsf'; received ${String(family)}`);
  const affine = new ElementwiseAffine({ dim: options.dim, shift: options.loc ?? 0, scale: options.scale ?? 1 });
  return new Flow(new StandardNormal(options.dim), new Chain([layers.bijector, affine]));
}

/**
 * Fit a flow posterior to the unnormalised density `logDensity` (`[n, dim]` → `[n]`) by reverse KL.
 *
 *   const { q } = flowPosterior(model.logJoint(), { dim: model.dim, flow: 'iaf', seed: 1, maxEpochs: 50 });
 */
export function flowPosterior(logDensity: LogDensity, options: FlowPosteriorOptions): VariationalFit<Flow> {
  const q = buildFlowPosterior(options);
  const history = fitVariational(q, logDensity, options);
  return { q, history };
}
