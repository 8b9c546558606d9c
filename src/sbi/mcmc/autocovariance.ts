/**
 * Autocovariances of a series by the fast Fourier transform, for effective sample sizes
 * (`mcmcDiagnostics.ts`): O(n log n) for every lag at once, so that slowly mixing chains (whose
 * autocorrelations must be summed to large lags) cost no more than good ones.
 */

/**
 * In-place radix-2 complex FFT, X_k = sum_j x_j exp(-2 pi i j k / n) (Cooley & Tukey 1965), with
 * exact twiddle factors from cos/sin (no recurrence, so no error growth). n must be a power of 2.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n || (n & (n - 1)) !== 0) {
    throw new Error(`fft: re and im must have the same power-of-2 length; received ${re.length} and ${im.length}`);
  }
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  for (let len = 2; len <= n; len <<= 1) {
    const h = len >> 1;
    const stride = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < h; k++) {
        const wr = cos[k * stride];
        const wi = sin[k * stride];
        const a = i + k;
        const b = a + h;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/**
 * The biased sample autocovariances gamma_k = (1/n) sum_{j=0}^{n-1-k} (x_j - xbar)(x_{j+k} - xbar),
 * k = 0..n-1 (the estimator Geyer 1992 recommends; Stan's and posterior's `autocovariance`), by
 * zero-padding the centred series to a power of 2 at least 2n, |FFT|^2, and an inverse FFT.
 */
export function autocovariance(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let m = 1;
  while (m < 2 * n) m <<= 1;
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;
  fft(re, im);
  for (let k = 0; k < m; k++) {
    re[k] = re[k] * re[k] + im[k] * im[k];
    im[k] = 0;
  }
  // The power spectrum is real and even, so the inverse transform is the forward one over m.
  fft(re, im);
  for (let k = 0; k < n; k++) out[k] = re[k] / (m * n);
  return out;
}
