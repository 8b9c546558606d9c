/**
 * Planar and radial flows (Rezende & Mohamed 2015, "Variational inference with normalizing
 * flows"): a standard normal base pushed through K planar or K radial layers,
 * x = f_K(... f_1(z)), log q(x) = log N(z; 0, I) - sum_k log|det df_k/dz_{k-1}|.
 * Their inverses are numerical (see `Planar`, `Radial`), so these flows suit the sampling
 * direction: `sampleAndLogProb` (VAE posteriors, reverse-KL fitting) runs forward only.
 * With a `contextDim` every layer's parameters come from the context (amortised flows).
 */
import { Flow } from './flow.js';
import { StandardNormal } from '../distributions/standardNormal.js';
import { Chain } from '../bijectors/chain.js';
import type { Bijector } from '../bijectors/bijector.js';
import { Planar } from '../bijectors/planar.js';
import { Radial } from '../bijectors/radial.js';
import { toRandom, type SeedLike } from '../random.js';
import { assertPositiveInt } from '../validation.js';

export interface PlanarRadialFlowOptions {
  /** Dimension of the modelled variable. */
  dim: number;
  /** Context width for an amortised flow q(x | c) (default 0). */
  contextDim?: number;
  /** Number of layers K (default 10). */
  layers?: number;
  /** Iteration cap of each layer's numerical inverse (default 100). */
  maxIterations?: number;
  seed?: SeedLike;
}

function build(where: string, options: PlanarRadialFlowOptions, layer: (seed: SeedLike) => Bijector): Flow {
  assertPositiveInt(where, 'dim', options.dim);
  const count = options.layers ?? 10;
  assertPositiveInt(where, 'layers', count);
  const random = toRandom(options.seed);
  const layers = Array.from({ length: count }, () => layer(random.fork()));
  return new Flow(new StandardNormal(options.dim), new Chain(layers));
}

/** K planar layers f(z) = z + û tanh(wᵀz + b) on a standard normal base. */
export function planarFlow(options: PlanarRadialFlowOptions): Flow {
  const { dim, contextDim, maxIterations } = options;
  return build('planarFlow', options, (seed) => new Planar({ dim, contextDim, maxIterations, seed }));
}

/** K radial layers f(z) = z + β (z - z0) / (α + |z - z0|) on a standard normal base. */
export function radialFlow(options: PlanarRadialFlowOptions): Flow {
  const { dim, contextDim, maxIterations } = options;
  return build('radialFlow', options, (seed) => new Radial({ dim, contextDim, maxIterations, seed }));
}
