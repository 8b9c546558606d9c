/**
 * Simulation-based calibration (Talts et al. 2018, "Validating Bayesian inference algorithms with
 * simulation-based calibration"). For θ_i ~ p(θ), x_i ~ p(x | θ_i) and L draws θ_il ~ q(θ | x_i),
 * the rank r_ij = #{l : θ_ilj < θ_ij} of each parameter is uniform on {0, ..., L} when q is the
 * true posterior. Over-confident posteriors give ∪-shaped rank histograms, under-confident ones
 * ∩-shaped, biased ones skewed. Uniformity is tested per parameter by a chi-square test on B bins
 * and a Kolmogorov-Smirnov test on the normalised ranks, with a Bonferroni correction.
 */
import { toRandom, type SeedLike } from '../../random.js';
import { defaultSbcBins } from './sbcBins.js';

export { defaultSbcBins };
import { chiSquareSurvival, ksTestUniform } from './statistics.js';
import { posteriorRankCounts, type PosteriorDrawOptions, type RankCounts } from './ranks.js';
import type { RowsInput } from '../../rows.js';
import type { AmortizedPosterior } from '../npe/types.js';

export type SbcTest = 'chi2' | 'ks';

/** Options of {@link sbcRankTests} (and of {@link sbc}). */
export interface SbcTestOptions {
  /**
   * Chi-square bins B (default about N / 20 within [4, 30], at most L + 1, preferring a divisor
   * of L + 1: the binning of `sbcRanksSpec` in `src/plot/sbcRanks.ts`).
   */
  bins?: number;
  /** Family-wise significance level over all parameters and tests (default 0.05). */
  level?: number;
  /** Tests that decide pass/fail (default both). Both are always computed. */
  tests?: SbcTest[];
  /** Parameter names for the report (default θ1 ... θd). */
  names?: string[];
  /** Seed of the uniform jitter of the normalised ranks (KS test). */
  seed?: SeedLike;
}

export interface SbcOptions extends PosteriorDrawOptions, Omit<SbcTestOptions, 'seed'> {}

/** Uniformity tests of one parameter's ranks. */
export interface SbcParameterResult {
  name: string;
  /** Pearson's X² = Σ_b (O_b - E_b)² / E_b over B bins, B - 1 degrees of freedom, p = Q((B-1)/2, X²/2). */
  chiSquare: { statistic: number; degreesOfFreedom: number; pValue: number };
  /** KS test of the normalised ranks u = (r + v) / (L + 1), v ~ U(0, 1), against U(0, 1). */
  ks: { statistic: number; pValue: number };
  /** Observed counts per bin. */
  counts: number[];
  /** Smallest p-value of the deciding tests. */
  pValue: number;
  /** pValue >= threshold. */
  pass: boolean;
}

export interface SbcResult {
  /** [N][d] integer ranks in [0, L]: the input of `sbcRanksSpec` / `plotSbcRanks`. */
  ranks: number[][];
  numPosteriorSamples: number;
  bins: number;
  /** Expected count per bin under uniform ranks (bins may differ in width by one rank). */
  expectedCounts: number[];
  parameters: SbcParameterResult[];
  /** Family-wise level requested. */
  level: number;
  /** Per-test threshold: level / (d · number of deciding tests) (Bonferroni). */
  threshold: number;
  tests: SbcTest[];
  /** Every parameter passes. */
  pass: boolean;
  /** What the decision means, with the multiple-testing correction. */
  note: string;
  /** Entries (i, j) where θ_ij tied with some draw in float32 (broken uniformly at random). */
  ties: number;
}

/**
 * SBC of an amortized posterior on N pairs (θ_i, x_i) from the prior predictive: L draws per
 * observation (observations batched into few `sample` calls), ranks per parameter (ties between
 * θ_ij and draws broken uniformly at random), then {@link sbcRankTests}.
 */
export function sbc(posterior: AmortizedPosterior, thetas: RowsInput, xs: RowsInput, options: SbcOptions = {}): SbcResult {
  const random = toRandom(options.seed);
  const counts = posteriorRankCounts('sbc', posterior, thetas, xs, { ...options, seed: random.fork() });
  return sbcOfCounts(counts, { ...options, seed: random });
}

/**
 * {@link sbc} of rank counts already computed (`posteriorRankCounts`; e.g. the counts of
 * {@link expectedCoverage}'s draws, when drawing twice costs too much).
 */
export function sbcOfCounts(counts: RankCounts, options: SbcOptions = {}): SbcResult {
  const random = toRandom(options.seed);
  const { n, dim: d, numPosteriorSamples: L } = counts;
  const tieRandom = random.fork();
  let ties = 0;
  const ranks = Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      const eq = counts.equal[i * d + j];
      if (eq > 0) ties++;
      return counts.below[i * d + j] + (eq > 0 ? tieRandom.int(eq + 1) : 0);
    }),
  );
  const result = sbcRankTests(ranks, L, { ...options, seed: random.fork() });
  return { ...result, ties };
}

/**
 * Uniformity tests of given SBC ranks ([N][d] integers in [0, L]). Chi-square: bin b holds the
 * ranks [⌊b(L+1)/B⌋, ⌊(b+1)(L+1)/B⌋) with expected count N · width_b / (L + 1). KS: normalised
 * ranks u = (r + v)/(L + 1) with v ~ U(0, 1) are exactly U(0, 1) when the ranks are uniform. A
 * parameter passes when its smallest p-value among the deciding tests is at least
 * level / (d · #tests), which bounds the family-wise false-alarm rate by `level` (Bonferroni).
 */
export function sbcRankTests(ranks: ReadonlyArray<ArrayLike<number>>, numPosteriorSamples: number, options: SbcTestOptions = {}): Omit<SbcResult, 'ties'> {
  const fn = 'sbcRankTests';
  const L = numPosteriorSamples;
  if (!(Number.isInteger(L) && L >= 1)) throw new Error(`${fn}: numPosteriorSamples must be a positive integer; received ${L}`);
  const n = ranks.length;
  if (n === 0) throw new Error(`${fn}: ranks must have at least one row; received none`);
  const d = ranks[0].length;
  if (!(d >= 1)) throw new Error(`${fn}: ranks rows must have at least one entry`);
  const bins = options.bins ?? defaultSbcBins(n, L);
  if (!(Number.isInteger(bins) && bins >= 2 && bins <= L + 1)) throw new Error(`${fn}: bins must be an integer in [2, L + 1 = ${L + 1}]; received ${bins}`);
  const level = options.level ?? 0.05;
  if (!(level > 0 && level < 1)) throw new Error(`${fn}: level must lie in (0, 1); received ${level}`);
  const tests = options.tests ?? ['chi2', 'ks'];
  if (tests.length === 0 || tests.some((t) => t !== 'chi2' && t !== 'ks')) throw new Error(`${fn}: tests must be a non-empty subset of ['chi2', 'ks']; received [${tests.join(', ')}]`);
  const names = options.names ?? Array.from({ length: d }, (_, j) => `θ${j + 1}`);
  if (names.length !== d) throw new Error(`${fn}: names must have d = ${d} entries; received ${names.length}`);
  const random = toRandom(options.seed);
  const start = Array.from({ length: bins + 1 }, (_, b) => Math.floor((b * (L + 1)) / bins));
  const expected = start.slice(1).map((s, b) => (n * (s - start[b])) / (L + 1));
  const binOf = (r: number) => Math.ceil(((r + 1) * bins) / (L + 1)) - 1;
  const threshold = level / (d * tests.length);
  const parameters = names.map((name, j): SbcParameterResult => {
    const counts = new Array<number>(bins).fill(0);
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = ranks[i][j];
      if (!(Number.isInteger(r) && r >= 0 && r <= L)) throw new Error(`${fn}: ranks must be integers in [0, ${L}]; ranks[${i}][${j}] is ${r}`);
      counts[binOf(r)]++;
      u[i] = (r + random.uniform()) / (L + 1);
    }
    const statistic = counts.reduce((s, o, b) => s + (o - expected[b]) ** 2 / expected[b], 0);
    const chiSquare = { statistic, degreesOfFreedom: bins - 1, pValue: chiSquareSurvival(statistic, bins - 1) };
    const ksResult = ksTestUniform(u);
    const ks = { statistic: ksResult.statistic, pValue: ksResult.pValue };
    const pValue = Math.min(...tests.map((t) => (t === 'chi2' ? chiSquare.pValue : ks.pValue)));
    return { name, chiSquare, ks, counts, pValue, pass: pValue >= threshold };
  });
  const failed = parameters.filter((p) => !p.pass).map((p) => p.name);
  const minExpected = Math.min(...expected);
  const note =
    `Each parameter's ranks were tested for uniformity (${tests.map((t) => (t === 'chi2' ? `chi-square on ${bins} bins` : 'Kolmogorov-Smirnov')).join(' and ')}); ` +
    `with ${d} parameter(s) × ${tests.length} test(s), each p-value is compared with ${level} / ${d * tests.length} = ${+threshold.toPrecision(3)} ` +
    `(Bonferroni), so a calibrated posterior fails with probability at most ${level}. ` +
    (failed.length === 0 ? 'No parameter departs significantly from uniform ranks. ' : `Non-uniform ranks: ${failed.join(', ')}. `) +
    'Passing is no proof of calibration: SBC only checks averages over the prior predictive and has limited power for small N.' +
    (minExpected < 5 ? ` Warning: the smallest expected bin count is ${+minExpected.toFixed(2)} (< 5); the chi-square approximation is poor, use fewer bins.` : '');
  return {
    ranks: ranks.map((row) => Array.from(row)),
    numPosteriorSamples: L,
    bins,
    expectedCounts: expected,
    parameters,
    level,
    threshold,
    tests,
    pass: failed.length === 0,
    note,
  };
}
