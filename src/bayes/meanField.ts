/**
 * Mean-field Gaussian variational inference with the reparameterisation trick ("Bayes by
 * backprop", C. Blundell et al., ICML 2015): q(w) = prod_i N(w_i | mu_i, sigma_i^2), fitted by
 * maximising the ELBO E_q[log p(y, w)] - E_q[log q(w)] through the library's reverse-KL
 * {@link fitVariational} (q is a {@link DiagonalNormal}; sampling is x = mu + sigma * eps).
 */
import { DiagonalNormal } from '../distributions/diagonalNormal.js';
import { fitVariational, type FitVariationalOptions, type LogDensity } from '../train/variational.js';
import type { TrainHistory } from '../train/loop.js';
import { assertPositiveInt } from '../validation.js';

/** Options of {@link meanFieldPosterior}: the fit's options and the starting point. */
export interface MeanFieldOptions extends FitVariationalOptions {
  /** Dimension of w. */
  dim: number;
  /** Initial means (default 0). */
  loc?: number | number[];
  /** Initial standard deviations (default 0.1: narrow, as Bayes by backprop starts). */
  scale?: number | number[];
}

/** A fitted variational posterior and its training history. */
export interface VariationalFit<Q> {
  q: Q;
  history: TrainHistory;
}

/**
 * Fit a mean-field Gaussian to the unnormalised posterior `logDensity` (`[n, dim]` → `[n]`).
 *
 *   const { q } = meanFieldPosterior(model.logJoint(), { dim: model.dim, seed: 1, maxEpochs: 50 });
 */
export function meanFieldPosterior(logDensity: LogDensity, options: MeanFieldOptions): VariationalFit<DiagonalNormal> {
  assertPositiveInt('meanFieldPosterior', 'dim', options?.dim);
  const q = new DiagonalNormal({ dim: options.dim, loc: options.loc ?? 0, scale: options.scale ?? 0.1 });
  const history = fitVariational(q, logDensity, options);
  return { q, history };
}
