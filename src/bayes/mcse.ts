/**
 * Monte Carlo standard errors of a posterior mean and standard deviation from chains of one
 * scalar, through effective sample sizes (the library's {@link essBasic}, one implementation):
 * - mean: sd / sqrt(ESS(x));
 * - sd: by the delta method on the variance, the mean of z = (x - xbar)^2:
 *   MCSE(var) = sd(z) / sqrt(ESS(z)),  MCSE(sd) = MCSE(var) / (2 sd)
 *   (as the R package posterior's `mcse_sd`, up to its finer variance-of-variance correction).
 */
import { essBasic } from '../sbi/mcmc/mcmcDiagnostics.js';

/** Posterior mean and sd of chains of one scalar with their Monte Carlo standard errors. */
export interface MeanSdEstimate {
  mean: number;
  sd: number;
  mcseMean: number;
  mcseSd: number;
}

function meanOf(chains: readonly ArrayLike<number>[]): number {
  let s = 0;
  let n = 0;
  for (const c of chains) for (let i = 0; i < c.length; i++, n++) s += c[i];
  return s / n;
}

function varianceOf(chains: readonly ArrayLike<number>[], mean: number): number {
  let s = 0;
  let n = 0;
  for (const c of chains) for (let i = 0; i < c.length; i++, n++) s += (c[i] - mean) ** 2;
  return s / (n - 1);
}

/** Mean and sd of the pooled draws with their MCSEs (see the file comment). */
export function meanSdWithMcse(chains: readonly ArrayLike<number>[]): MeanSdEstimate {
  const mean = meanOf(chains);
  const sd = Math.sqrt(varianceOf(chains, mean));
  const squares = chains.map((c) => Float64Array.from(c as ArrayLike<number>, (v) => (v - mean) ** 2));
  const sdOfSquares = Math.sqrt(varianceOf(squares, meanOf(squares)));
  return {
    mean,
    sd,
    mcseMean: sd / Math.sqrt(essBasic(chains)),
    mcseSd: sdOfSquares / Math.sqrt(essBasic(squares)) / (2 * sd),
  };
}
