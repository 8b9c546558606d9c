/**
 * Expected coverage of highest-posterior-density regions (Hermans et al. 2022, "A trust crisis in
 * simulation-based inference? Your posterior approximations can be unfaithful"). For pairs
 * (θ_i, x_i) from the prior predictive and L draws θ_il ~ q(θ | x_i), the HPD level of θ_i is the
 * credibility of the smallest HPD region that contains it, estimated by
 *   α_i = (#{l : log q(θ_il | x_i) > log q(θ_i | x_i)} + V_i) / (L + 1),   V_i ~ U(0, 1),
 * and the expected coverage at credibility a is the fraction of i with α_i ≤ a. A calibrated
 * posterior covers a fraction a (within binomial error); below the diagonal means over-confident,
 * above conservative. Marginal coverage does the same per parameter with equal-tailed intervals.
 *
 * Why (count + V) / (L + 1) and not count / L: for an exact posterior the count is uniform on
 * {0, ..., L}, so count / L takes L + 1 values on [0, 1] and its coverage is biased by up to
 * 1 / (L + 1) (with L = 99 an exact posterior covered 0.94 at level 0.95, a bias that grows in z
 * with N). Adding a uniform V spreads each count over its cell: the level is then exactly
 * U(0, 1) for an exact posterior (the randomized probability integral transform), for any L.
 * Float32 ties count as a random share of the tied draws first.
 */
import { toRandom, type Random } from '../../random.js';
import { posteriorRankCounts, type PosteriorDrawOptions, type RankCounts } from './ranks.js';
import type { RowsInput } from '../../rows.js';
import type { AmortizedPosterior } from '../npe/types.js';

export interface ExpectedCoverageOptions extends PosteriorDrawOptions {
  /** Credibility levels reported with standard errors (default [0.5, 0.8, 0.95]). */
  reportLevels?: number[];
  /** Levels of the full curve (default 0, 0.01, ..., 1). */
  curveLevels?: number[];
  /** Parameter names for the marginal curves (default θ1 ... θd). */
  names?: string[];
}

/** Empirical coverage at one credibility level. */
export interface CoverageAtLevel {
  level: number;
  coverage: number;
  /** Binomial standard error of the estimate, √(ĉ (1 - ĉ) / N). */
  stdError: number;
  /** Standard error a calibrated posterior would have, √(a (1 - a) / N). */
  nominalStdError: number;
  /** (coverage - level) / nominalStdError: how many calibrated standard errors off the diagonal. */
  z: number;
}

/** A coverage curve in the shape `coverageSpec` / `plotCoverage` (src/plot/coverage.ts) take. */
export interface CoverageCurveData {
  name: string;
  levels: number[];
  coverage: number[];
}

export interface ExpectedCoverageResult {
  /** Number of pairs N. */
  n: number;
  numPosteriorSamples: number;
  /** HPD level α_i of each true parameter (in [0, 1]). */
  hpdLevels: Float64Array;
  /** Coverage of HPD regions at `reportLevels`. */
  hpd: CoverageAtLevel[];
  /** Full HPD curve, named "HPD". */
  curve: CoverageCurveData;
  /**
   * Per parameter: coverage of the equal-tailed interval [q_{(1-a)/2}, q_{(1+a)/2}] of the
   * marginal draws. θ_ij is inside it when its central level |2 u_ij - 1| ≤ a, with
   * u_ij = (#{l : θ_ilj < θ_ij} + V_ij) / (L + 1), V_ij ~ U(0, 1) (float32 ties split at random).
   */
  marginal: { name: string; centralLevels: Float64Array; at: CoverageAtLevel[]; curve: CoverageCurveData }[];
  /** Pairs whose log q(θ_i | x_i) was NaN (counted as not covered below level 1). */
  nanLogProbs: number;
}

/** Empirical coverage of credibility `level`: the fraction of values ≤ level (with slack for rounding). */
function coverageAt(values: Float64Array, level: number): number {
  let covered = 0;
  for (const v of values) if (v <= level + 1e-12) covered++;
  return covered / values.length;
}

function coverageAtLevel(values: Float64Array, level: number): CoverageAtLevel {
  const n = values.length;
  const coverage = coverageAt(values, level);
  const nominalStdError = Math.sqrt((level * (1 - level)) / n);
  return {
    level,
    coverage,
    stdError: Math.sqrt((coverage * (1 - coverage)) / n),
    nominalStdError,
    z: nominalStdError > 0 ? (coverage - level) / nominalStdError : coverage === level ? 0 : Infinity * Math.sign(coverage - level),
  };
}

function checkLevels(name: string, levels: number[]): void {
  if (!Array.isArray(levels) || levels.length === 0 || levels.some((a) => !(a >= 0 && a <= 1))) {
    throw new Error(`expectedCoverage: ${name} must be a non-empty array of levels in [0, 1]; received [${String(levels)}]`);
  }
}

/** (count + a random share of the ties + V) / (L + 1), V ~ U(0, 1): exactly U(0, 1) for an exact posterior. */
function randomizedLevel(count: number, ties: number, L: number, random: Random): number {
  return (count + (ties > 0 ? random.int(ties + 1) : 0) + random.uniform()) / (L + 1);
}

/**
 * Expected coverage of an amortized posterior on N prior-predictive pairs: L draws and their
 * log densities per observation (batched), the HPD level of each θ_i, coverage at the report
 * levels with binomial standard errors, the full curve, and the marginal equal-tailed coverage.
 */
export function expectedCoverage(
  posterior: AmortizedPosterior,
  thetas: RowsInput,
  xs: RowsInput,
  options: ExpectedCoverageOptions = {},
): ExpectedCoverageResult {
  // Bad levels fail before any draw.
  if (options.reportLevels) checkLevels('reportLevels', options.reportLevels);
  if (options.curveLevels) checkLevels('curveLevels', options.curveLevels);
  const random = toRandom(options.seed);
  const counts = posteriorRankCounts('expectedCoverage', posterior, thetas, xs, { ...options, seed: random.fork(), density: true });
  return coverageOfCounts(counts, { ...options, seed: random });
}

/**
 * {@link expectedCoverage} of rank counts already computed with densities
 * (`posteriorRankCounts(..., { density: true })`); their marginal counts also give {@link sbcOfCounts}.
 */
export function coverageOfCounts(counts: RankCounts, options: ExpectedCoverageOptions = {}): ExpectedCoverageResult {
  if (!counts.higherDensity || !counts.equalDensity) throw new Error('coverageOfCounts: counts must be computed with density: true (posteriorRankCounts)');
  const reportLevels = options.reportLevels ?? [0.5, 0.8, 0.95];
  const curveLevels = options.curveLevels ?? Array.from({ length: 101 }, (_, i) => i / 100);
  checkLevels('reportLevels', reportLevels);
  checkLevels('curveLevels', curveLevels);
  const random = toRandom(options.seed);
  const { n, dim: d, numPosteriorSamples: L } = counts;
  const names = options.names ?? Array.from({ length: d }, (_, j) => `θ${j + 1}`);
  if (names.length !== d) throw new Error(`expectedCoverage: names must have d = ${d} entries; received ${names.length}`);
  const tieRandom = random.fork();
  const hpdLevels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    hpdLevels[i] = randomizedLevel(counts.higherDensity[i], counts.equalDensity[i], L, tieRandom);
  }
  const curveOf = (name: string, values: Float64Array): CoverageCurveData => ({
    name,
    levels: [...curveLevels],
    coverage: curveLevels.map((a) => coverageAt(values, a)),
  });
  const marginal = names.map((name, j) => {
    const centralLevels = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const eq = counts.equal[i * d + j];
      const u = randomizedLevel(counts.below[i * d + j], eq, L, tieRandom);
      centralLevels[i] = Math.abs(2 * u - 1);
    }
    return { name, centralLevels, at: reportLevels.map((a) => coverageAtLevel(centralLevels, a)), curve: curveOf(name, centralLevels) };
  });
  return {
    n,
    numPosteriorSamples: L,
    hpdLevels,
    hpd: reportLevels.map((a) => coverageAtLevel(hpdLevels, a)),
    curve: curveOf('HPD', hpdLevels),
    marginal,
    nanLogProbs: counts.nanLogProbs,
  };
}
