import { Flow } from './flow.js';
import { couplingStack, stackWithPermutations, type FlowBuilderOptions } from './builders.js';
import { StandardNormal } from '../distributions/standardNormal.js';
import { Chain } from '../bijectors/chain.js';
import { MaskedAutoregressive } from '../bijectors/maskedAutoregressive.js';
import { RQSplineTransform, type SplineTails } from '../bijectors/monotonic/rqSpline.js';

export interface NSFOptions extends FlowBuilderOptions {
  /** Bins per spline (default 8). */
  bins?: number;
  /** Splines act on [-bound, bound] (default 5). */
  bound?: number;
  /** Outside the bound: 'linear' (default) or 'identity'. */
  tails?: SplineTails;
  /** Coupling layers with alternating half masks (sbi's NSF) instead of autoregressive ones (default false). */
  coupling?: boolean;
}

/**
 * Neural spline flow (Durkan, Bekasov, Murray & Papamakarios 2019): monotonic rational-quadratic
 * spline layers ({@link RQSplineTransform}) with zuko's defaults: 5 transforms, hidden [64, 64],
 * 8 bins on [-5, 5].
 *
 * - default: autoregressive layers (MADE conditioners, the "RQ-NSF (AR)" of the paper, zuko's NSF)
 *   with reverse (or random) permutations between them: one pass for density evaluation, D
 *   passes for sampling;
 * - `coupling: true`: coupling layers with alternating half masks ("RQ-NSF (C)", sbi's default
 *   NSF): one pass in both directions. The permutation option is then ignored.
 */
export function nsf(options: NSFOptions): Flow {
  const spline = () => new RQSplineTransform({ bins: options.bins, bound: options.bound, tails: options.tails });
  const common = { dim: options.dim, contextDim: options.contextDim, hidden: options.hidden, activation: options.activation };
  if (!options.coupling) {
    const layers = stackWithPermutations(options, (_, seed) => new MaskedAutoregressive({ ...common, transform: spline(), seed }));
    return new Flow(new StandardNormal(options.dim), new Chain(layers));
  }
  return new Flow(new StandardNormal(options.dim), new Chain(couplingStack('nsf', options, spline)));
}
