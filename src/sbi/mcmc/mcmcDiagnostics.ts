/**
 * Convergence diagnostics for any set of Markov chains of one scalar quantity (each chain an array
 * of draws; all chains of the same length), following A. Vehtari, A. Gelman, D. Simpson,
 * B. Carpenter & P.-C. Bürkner, "Rank-normalization, folding, and localization: an improved R-hat
 * for assessing convergence of MCMC", Bayesian Analysis 16, 2021, as implemented in Stan and the R
 * package posterior:
 *
 * - split chains: each chain of n draws becomes its first and last floor(n/2) draws (the middle
 *   draw of an odd n is dropped), so that a trend within a chain shows up as disagreement.
 * - R-hat (Gelman & Rubin 1992; BDA3 split form) of M chains of N draws, chain means m_j and
 *   variances s_j^2: B = N var_j(m_j), W = mean_j s_j^2, R-hat = sqrt(((N - 1)/N W + B/N) / W).
 * - rank normalisation: z = Phi^-1((r - 3/8) / (S + 1/4)) with r the average rank of a draw among
 *   all S draws; folding: |x - median(x)| (sensitive to different scales / tails).
 * - ESS (Geyer 1992, Stan's multi-chain form): with autocovariances gamma_{j,t} of each chain,
 *   var+ = (N - 1)/N W + var_j(m_j), rho_t = 1 - (W - mean_j gamma_{j,t}) / var+; sum the pairs
 *   rho_{2k} + rho_{2k+1} while positive (initial positive sequence), make the pair sums monotone
 *   (initial monotone sequence), tau = -1 + 2 sum_{t < 2K} rho_t + rho_{2K}, tau >= 1/log10(MN);
 *   ESS = M N / tau.
 *
 * {@link rhat} is the recommended rank-normalised split-R-hat max(bulk, tail); {@link splitRhat}
 * the classic one. {@link essBulk} is the ESS of the rank-normalised split chains,
 * {@link essTail} the smaller ESS of the indicators x <= q_0.05 and x <= q_0.95, {@link essBasic}
 * the split-chain ESS of the draws themselves (right for means of well-behaved quantities).
 * Functions return NaN when a diagnostic is undefined: chains shorter than 4 draws, non-finite
 * draws, or all draws equal.
 */
import { autocovariance } from './autocovariance.js';
import { quantileSorted } from '../../quantile.js';

/** Check equal lengths and copy into Float64Arrays; null when a diagnostic is undefined. */
function prepare(fn: string, chains: readonly ArrayLike<number>[]): Float64Array[] | null {
  if (chains.length === 0) throw new Error(`${fn}: need at least one chain; received none`);
  const n = chains[0].length;
  for (const c of chains) {
    if (c.length !== n) throw new Error(`${fn}: all chains must have the same length; received lengths ${chains.map((x) => x.length).join(', ')}`);
  }
  if (n < 4) return null;
  const out = chains.map((c) => Float64Array.from(c));
  const first = out[0][0];
  let constant = true;
  for (const c of out) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(c[i])) return null;
      if (c[i] !== first) constant = false;
    }
  }
  return constant ? null : out;
}

/** Each chain split into its first and last floor(n/2) draws (2M chains). */
export function splitChains(chains: readonly ArrayLike<number>[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of chains) {
    const h = Math.floor(c.length / 2);
    const a = Float64Array.from(c);
    out.push(a.slice(0, h), a.slice(a.length - h));
  }
  return out;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) * (x[i] - m);
  return s / (x.length - 1);
}

function pooledSorted(chains: Float64Array[]): Float64Array {
  const all = new Float64Array(chains.length * chains[0].length);
  chains.forEach((c, j) => all.set(c, j * c.length));
  return all.sort();
}

/**
 * The standard normal quantile Phi^-1(p), algorithm AS 241 (M. J. Wichura, "The percentage points
 * of the normal distribution", Applied Statistics 37, 1988): rational approximations in three
 * ranges, relative accuracy about 1e-16. Returns -Infinity at 0, Infinity at 1, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let v: number;
  if (r <= 5) {
    r -= 1.6;
    v =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    v =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -v : v;
}

/**
 * Rank normalisation over all chains together: z = Phi^-1((r - 3/8) / (S + 1/4)), r the average
 * rank (ties share it) among the S draws (Vehtari et al. 2021, eq. 14; Blom's offset).
 */
export function rankNormalize(chains: readonly ArrayLike<number>[]): Float64Array[] {
  const n = chains[0]?.length ?? 0;
  const S = chains.length * n;
  const values = new Float64Array(S);
  chains.forEach((c, j) => {
    for (let i = 0; i < n; i++) values[j * n + i] = c[i];
  });
  const order = Array.from({ length: S }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const z = new Float64Array(S);
  for (let i = 0; i < S; ) {
    let k = i;
    while (k + 1 < S && values[order[k + 1]] === values[order[i]]) k++;
    const rank = (i + k) / 2 + 1;
    const v = normalQuantile((rank - 0.375) / (S + 0.25));
    for (let l = i; l <= k; l++) z[order[l]] = v;
    i = k + 1;
  }
  return chains.map((_, j) => z.slice(j * n, (j + 1) * n));
}

/** R-hat of the chains as given (no splitting): sqrt(((N - 1)/N W + B/N) / W). */
function rhatOf(chains: Float64Array[]): number {
  const N = chains[0].length;
  const means = chains.map(mean);
  const W = mean(chains.map(variance));
  const B = chains.length > 1 ? N * variance(means) : 0;
  return Math.sqrt((B / W + N - 1) / N);
}

/** ESS of the chains as given (no splitting): Geyer's initial monotone sequence, multi-chain form. */
function essOf(chains: Float64Array[]): number {
  const M = chains.length;
  const N = chains[0].length;
  const acov = chains.map(autocovariance);
  const meanAcov = (t: number): number => {
    let s = 0;
    for (const a of acov) s += a[t];
    return s / M;
  };
  const W = (meanAcov(0) * N) / (N - 1);
  let varPlus = (W * (N - 1)) / N;
  if (M > 1) varPlus += variance(chains.map(mean));
  if (!(varPlus > 0)) return NaN;
  const rho = new Float64Array(N + 1);
  rho[0] = 1;
  let rhoEven = 1;
  let rhoOdd = 1 - (W - meanAcov(1)) / varPlus;
  rho[1] = rhoOdd;
  let t = 0;
  while (t < N - 5 && rhoEven + rhoOdd > 0) {
    t += 2;
    rhoEven = 1 - (W - meanAcov(t)) / varPlus;
    rhoOdd = 1 - (W - meanAcov(t + 1)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  if (rhoEven > 0) rho[maxT] = rhoEven;
  for (t = 2; t <= maxT - 2; t += 2) {
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }
  let tau = -1 + rho[maxT];
  for (let k = 0; k < maxT; k++) tau += 2 * rho[k];
  const S = M * N;
  return S / Math.max(tau, 1 / Math.log10(S));
}

/** Classic split-R-hat (BDA3, section 11.4) of the draws themselves. */
export function splitRhat(chains: readonly ArrayLike<number>[]): number {
  const c = prepare('splitRhat', chains);
  return c ? rhatOf(splitChains(c)) : NaN;
}

/**
 * Rank-normalised split-R-hat (Vehtari et al. 2021): the larger of the bulk R-hat (split-R-hat of
 * the rank-normalised draws) and the tail R-hat (the same for the folded draws |x - median|).
 * Below 1.01 is their threshold for trusting the chains.
 */
export function rhat(chains: readonly ArrayLike<number>[]): number {
  const c = prepare('rhat', chains);
  if (!c) return NaN;
  const med = quantileSorted(pooledSorted(c), 0.5);
  const folded = c.map((x) => x.map((v) => Math.abs(v - med)));
  const bulk = rhatOf(rankNormalize(splitChains(c)));
  const tail = rhatOf(rankNormalize(splitChains(folded)));
  return Math.max(bulk, tail);
}

/** Split-chain ESS of the draws themselves (no rank normalisation). */
export function essBasic(chains: readonly ArrayLike<number>[]): number {
  const c = prepare('essBasic', chains);
  return c ? essOf(splitChains(c)) : NaN;
}

/** Bulk ESS (Vehtari et al. 2021): the ESS of the rank-normalised split chains. */
export function essBulk(chains: readonly ArrayLike<number>[]): number {
  const c = prepare('essBulk', chains);
  return c ? essOf(rankNormalize(splitChains(c))) : NaN;
}

/**
 * Tail ESS (Vehtari et al. 2021): min over p in {0.05, 0.95} of the split-chain ESS of the
 * indicators I(x <= q_p), q_p the pooled sample quantile (type 7).
 */
export function essTail(chains: readonly ArrayLike<number>[]): number {
  const c = prepare('essTail', chains);
  if (!c) return NaN;
  const sorted = pooledSorted(c);
  let out = Infinity;
  for (const p of [0.05, 0.95]) {
    const q = quantileSorted(sorted, p);
    const ind = c.map((x) => x.map((v) => (v <= q ? 1 : 0)));
    const e = essBasic(ind);
    out = Math.min(out, e);
  }
  return out;
}

/** Mean, standard deviation and 5/50/95% quantiles of one quantity. */
export interface ColumnSummary {
  mean: number;
  sd: number;
  q05: number;
  q50: number;
  q95: number;
}

/** {@link ColumnSummary} of sorted values (sd with the n - 1 divisor; quantiles of type 7). */
export function summarizeSorted(sorted: Float64Array): ColumnSummary {
  return {
    mean: mean(sorted),
    sd: Math.sqrt(variance(sorted)),
    q05: quantileSorted(sorted, 0.05),
    q50: quantileSorted(sorted, 0.5),
    q95: quantileSorted(sorted, 0.95),
  };
}

export interface DrawSummary extends ColumnSummary {
  rhat: number;
  essBulk: number;
  essTail: number;
}

/** Column j of row-major draws (n x d). */
export function drawColumn(draws: Float64Array, d: number, j: number): Float64Array {
  const n = Math.floor(draws.length / d);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draws[i * d + j];
  return out;
}

/**
 * Summary of each of the d parameters of multivariate chains (each chain row-major n x d): pooled
 * mean, sd and 5/50/95% quantiles, {@link rhat}, {@link essBulk}, {@link essTail}.
 */
export function summarizeDraws(chains: readonly Float64Array[], d: number): DrawSummary[] {
  const out: DrawSummary[] = [];
  for (let j = 0; j < d; j++) {
    const cols = chains.map((c) => drawColumn(c, d, j));
    out.push({
      ...summarizeSorted(pooledSorted(cols)),
      rhat: rhat(cols),
      essBulk: essBulk(cols),
      essTail: essTail(cols),
    });
  }
  return out;
}
