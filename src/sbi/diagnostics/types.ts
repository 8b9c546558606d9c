/**
 * The plain-array inputs the diagnostics accept, and {@link posteriorFromDistribution}, which
 * makes any conditional {@link Distribution} (a conditional flow) an {@link AmortizedPosterior}
 * (the interface the diagnostics check, defined with the posteriors in `sbi/npe/types.ts`).
 */
import type { Distribution } from '../../distributions/distribution.js';
import type { AmortizedPosterior } from '../npe/types.js';
import type { RowsInput } from '../../rows.js';

/**
 * A conditional distribution (e.g. a conditional flow q(θ | x) from `src/flows/builders.ts`,
 * trained with `fitFlow(flow, theta, { context: x })`) as an {@link AmortizedPosterior}.
 */
export function posteriorFromDistribution(distribution: Distribution): AmortizedPosterior {
  if (!(distribution.contextDim > 0)) {
    throw new Error(`posteriorFromDistribution: the distribution must be conditional (contextDim > 0); received contextDim ${distribution.contextDim}`);
  }
  return {
    sample: (xo, n, seed) => distribution.sample(n, { context: xo, seed }),
    logProb: (theta, xo) => distribution.logProb(theta, xo),
  };
}

/** The diagnostics' name for {@link RowsInput} (kept for existing callers). */
export type MatrixInput = RowsInput;
