/**
 * Special functions and reference distributions for the calibration tests, in float64 JavaScript
 * (no tensors): log Γ, the regularized incomplete gamma functions, the chi-square, normal and
 * Kolmogorov distributions, and the one-sample Kolmogorov-Smirnov test against U(0, 1).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * log Γ(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms; relative error about 1e-15),
 * with the reflection formula Γ(x) Γ(1 - x) = π / sin(π x) below 1/2.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma: x must be > 0; received ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const GAMMA_EPS = 1e-15;
const GAMMA_MAX_ITER = 10_000;
const TINY = 1e-300;

/** P(a, x) by its series: e^{-x} x^a / Γ(a) Σ_n x^n / (a (a+1) ... (a+n)); converges fast for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < GAMMA_MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * GAMMA_EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by its continued fraction (modified Lentz); converges fast for x > a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < GAMMA_MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < GAMMA_EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

function checkGammaArgs(fn: string, a: number, x: number): void {
  if (!(a > 0)) throw new Error(`${fn}: a must be > 0; received ${a}`);
  if (!(x >= 0)) throw new Error(`${fn}: x must be >= 0; received ${x}`);
}

/**
 * Regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a) = 1/Γ(a) ∫_0^x t^{a-1} e^{-t} dt,
 * by the series for x < a + 1 and the continued fraction otherwise (Press et al., Numerical
 * Recipes, §6.2).
 */
export function regularizedGammaP(a: number, x: number): number {
  checkGammaArgs('regularizedGammaP', a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), accurate in the upper tail. */
export function regularizedGammaQ(a: number, x: number): number {
  checkGammaArgs('regularizedGammaQ', a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Chi-square CDF with k degrees of freedom: F(x; k) = P(k/2, x/2). */
export function chiSquareCdf(x: number, k: number): number {
  if (!(k > 0)) throw new Error(`chiSquareCdf: degrees of freedom must be > 0; received ${k}`);
  return x <= 0 ? 0 : regularizedGammaP(k / 2, x / 2);
}

/** Chi-square survival function (the p-value of a statistic x): 1 - F(x; k) = Q(k/2, x/2). */
export function chiSquareSurvival(x: number, k: number): number {
  if (!(k > 0)) throw new Error(`chiSquareSurvival: degrees of freedom must be > 0; received ${k}`);
  return x <= 0 ? 1 : regularizedGammaQ(k / 2, x / 2);
}

/** Standard normal CDF Φ(z) = (1 + sign(z) P(1/2, z²/2)) / 2, using erf(t) = P(1/2, t²). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const tail = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z >= 0 ? 1 - tail : tail;
}

/**
 * Kolmogorov distribution survival function Q_KS(λ) = 2 Σ_{k≥1} (-1)^{k-1} e^{-2 k² λ²}, the
 * limiting law of √n D_n (Press et al., Numerical Recipes, §14.3.3).
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 0.2) return 1; // the series converges slowly there and equals 1 to double precision
  let sum = 0;
  let sign = 1;
  let previous = 0;
  for (let k = 1; k <= 100; k++) {
    const term = sign * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) <= 1e-12 * Math.abs(previous) || Math.abs(term) <= 1e-300) break;
    previous = term;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Result of a one-sample Kolmogorov-Smirnov test. */
export interface KsTestResult {
  /** D_n = sup_u |F_n(u) - u|. */
  statistic: number;
  /** Asymptotic p-value Q_KS((√n + 0.12 + 0.11/√n) D_n) (Stephens 1970; accurate for n ≳ 20). */
  pValue: number;
  n: number;
}

/**
 * One-sample Kolmogorov-Smirnov test of values in [0, 1] against U(0, 1):
 * D_n = max_i max(i/n - u_(i), u_(i) - (i-1)/n) over the sorted values u_(1) ≤ ... ≤ u_(n).
 */
export function ksTestUniform(values: ArrayLike<number>): KsTestResult {
  const n = values.length;
  if (n === 0) throw new Error('ksTestUniform: needs at least one value; received none');
  const sorted = Float64Array.from(values).sort();
  if (!(sorted[0] >= 0 && sorted[n - 1] <= 1)) {
    throw new Error(`ksTestUniform: values must lie in [0, 1]; received the range [${sorted[0]}, ${sorted[n - 1]}]`);
  }
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, (i + 1) / n - sorted[i], sorted[i] - i / n);
  const sqrtN = Math.sqrt(n);
  return { statistic: d, pValue: kolmogorovSurvival((sqrtN + 0.12 + 0.11 / sqrtN) * d), n };
}
