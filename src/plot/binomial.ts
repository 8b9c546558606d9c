/**
 * Binomial quantiles, for the bands of calibration plots: if a posterior is calibrated, the
 * count in an SBC rank bin (Talts et al. 2018, "Validating Bayesian inference algorithms with
 * simulation-based calibration") and the number of covered truths at a credibility level are
 * Binomial(n, p) draws.
 */

/**
 * The smallest k with P(K <= k) >= q for K ~ Binomial(n, p), from the pmf by the recurrence
 * pmf(k+1) = pmf(k) (n - k) / (k + 1) · p / (1 - p), in log space (exact for any n up to 1e7).
 */
export function binomialQuantile(n: number, p: number, q: number): number {
  if (!(Number.isInteger(n) && n >= 0 && n <= 1e7)) throw new Error(`binomialQuantile: n must be an integer in [0, 1e7]; received ${n}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`binomialQuantile: p must lie in [0, 1]; received ${p}`);
  if (!(q >= 0 && q <= 1)) throw new Error(`binomialQuantile: q must lie in [0, 1]; received ${q}`);
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  const logRatio = Math.log(p) - Math.log1p(-p);
  let logPmf = n * Math.log1p(-p);
  let cdf = 0;
  for (let k = 0; k < n; k++) {
    cdf += Math.exp(logPmf);
    if (cdf >= q * (1 - 1e-12)) return k;
    logPmf += Math.log((n - k) / (k + 1)) + logRatio;
  }
  return n;
}

/** Central interval [lo, hi] of Binomial(n, p) holding at least probability `level`. */
export function binomialInterval(n: number, p: number, level: number): [number, number] {
  const a = (1 - level) / 2;
  return [binomialQuantile(n, p, a), binomialQuantile(n, p, 1 - a)];
}
