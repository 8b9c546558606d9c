/** The Cholesky factorisation of small dense matrices on the host (priors, MCMC proposals). */

/**
 * Lower Cholesky factor of a symmetric d x d matrix (row-major); null when it is not positive
 * definite.
 */
export function cholesky(a: ArrayLike<number>, d: number): Float64Array | null {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * d + i] = Math.sqrt(s);
      } else {
        L[i * d + j] = s / L[j * d + j];
      }
    }
  }
  return L;
}
