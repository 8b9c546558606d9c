/**
 * Ready-made flows with the defaults that sbi and zuko use: five transforms, two hidden layers of
 * 64 units, a fixed permutation between layers, a standard normal base. Every builder takes a
 * `contextDim` for a conditional flow and a `seed` for reproducible initialisation.
 */
import { Flow } from './flow.js';
import { StandardNormal } from '../distributions/standardNormal.js';
import { Chain } from '../bijectors/chain.js';
import { Invert } from '../bijectors/invert.js';
import { Permutation } from '../bijectors/permutation.js';
import { MaskedAutoregressive } from '../bijectors/maskedAutoregressive.js';
import { Coupling, halfMask } from '../bijectors/coupling.js';
import type { Bijector } from '../bijectors/bijector.js';
import type { MonotonicTransform } from '../bijectors/monotonic/monotonic.js';
import { AffineTransform } from '../bijectors/monotonic/affine.js';
import type { Activation } from '../nn/activation.js';
import { toRandom, type SeedLike } from '../random.js';
import { assertPositiveInt } from '../validation.js';

export interface FlowBuilderOptions {
  /** Dimension of the modelled variable. */
  dim: number;
  /** Context width for a conditional flow q(x | c) (default 0). */
  contextDim?: number;
  /** Number of transforms (default 5). */
  transforms?: number;
  /** Hidden widths of each transform's network (default [64, 64]). */
  hidden?: number[];
  activation?: Activation;
  /** Permutation between layers: 'reverse' (default) or 'random' (seeded). */
  permutation?: 'reverse' | 'random';
  seed?: SeedLike;
}

function permutationFor(options: FlowBuilderOptions, seed: SeedLike): Bijector {
  return options.permutation === 'random' ? Permutation.random(options.dim, seed) : Permutation.reverse(options.dim);
}

/** Layers interleaved with permutations: L_1, P, L_2, P, ..., L_K (no permutation after the last). */
export function stackWithPermutations(
  options: FlowBuilderOptions,
  layer: (index: number, seed: SeedLike) => Bijector,
): Bijector[] {
  assertPositiveInt('flow builder', 'dim', options.dim);
  const count = options.transforms ?? 5;
  assertPositiveInt('flow builder', 'transforms', count);
  const random = toRandom(options.seed);
  const layers: Bijector[] = [];
  for (let k = 0; k < count; k++) {
    if (k > 0 && options.dim > 1) layers.push(permutationFor(options, random.fork()));
    layers.push(layer(k, random.fork()));
  }
  return layers;
}

function autoregressiveLayer(options: FlowBuilderOptions, transform: () => MonotonicTransform, seed: SeedLike) {
  return new MaskedAutoregressive({
    dim: options.dim,
    contextDim: options.contextDim,
    hidden: options.hidden,
    activation: options.activation,
    transform: transform(),
    seed,
  });
}

/**
 * Masked autoregressive flow (Papamakarios et al. 2017): affine MADE layers with one-pass
 * density evaluation and D-pass sampling. The default density estimator for NPE-style use.
 */
export function maf(options: FlowBuilderOptions): Flow {
  const layers = stackWithPermutations(options, (_, seed) => autoregressiveLayer(options, () => new AffineTransform(), seed));
  return new Flow(new StandardNormal(options.dim), new Chain(layers));
}

/**
 * Inverse autoregressive flow (Kingma et al. 2016): the inverses of MAF layers, with one-pass
 * sampling and `sampleAndLogProb` (what VAEs and reverse-KL need) and D-pass density evaluation.
 */
export function iaf(options: FlowBuilderOptions): Flow {
  const layers = stackWithPermutations(
    options,
    (_, seed) => new Invert(autoregressiveLayer(options, () => new AffineTransform(), seed)),
  );
  return new Flow(new StandardNormal(options.dim), new Chain(layers));
}

/**
 * Coupling layers with alternating half masks (one pass in both directions), each with its own
 * monotonic transform (the Coupling default, affine, when `transform` is omitted): the stack of
 * RealNVP and of the coupling NSF. `where` names the builder in errors.
 */
export function couplingStack(where: string, options: FlowBuilderOptions, transform?: () => MonotonicTransform): Bijector[] {
  assertPositiveInt(where, 'dim', options.dim);
  const count = options.transforms ?? 5;
  assertPositiveInt(where, 'transforms', count);
  const random = toRandom(options.seed);
  return Array.from({ length: count }, (_, k) =>
    new Coupling({
      dim: options.dim,
      mask: options.dim === 1 ? [0] : halfMask(options.dim, k % 2 === 1),
      contextDim: options.contextDim,
      hidden: options.hidden,
      activation: options.activation,
      ...(transform ? { transform: transform() } : {}),
      seed: random.fork(),
    }),
  );
}

/**
 * RealNVP (Dinh et al. 2017): affine coupling layers with alternating half masks; one pass in
 * both directions. (The permutation option is ignored: alternating masks play its role.)
 */
export function realNVP(options: FlowBuilderOptions): Flow {
  return new Flow(new StandardNormal(options.dim), new Chain(couplingStack('realNVP', options)));
}
