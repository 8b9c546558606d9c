/**
 * Expected coverage: nominal credibility level against the empirical fraction of true
 * parameters inside the credible region, with the diagonal of perfect calibration and optionally
 * the binomial band of a calibrated posterior (Hermans et al. 2022, "A trust crisis in
 * simulation-based inference? Your posterior approximations can be unfaithful").
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertArray, assertNumber } from './check.js';
import { binomialInterval } from './binomial.js';
import { PALETTE, vlSpec } from './theme.js';

/** One coverage curve: empirical coverage at each nominal credibility level (all in [0, 1]). */
export interface CoverageCurve {
  name: string;
  levels: ArrayLike<number>;
  coverage: ArrayLike<number>;
}

/** Options of {@link coverageSpec}. */
export interface CoverageOptions {
  title?: string;
  /** Number of simulations behind each curve: draws the band of a calibrated posterior. */
  numSimulations?: number;
  /** Probability of that band (default 0.95). */
  bandLevel?: number;
  /** Plot size in pixels (default 320 × 320). */
  size?: number;
}

/** Vega-Lite spec of expected-coverage curves (browser-safe; see {@link plotCoverage}). */
export function coverageSpec(curves: CoverageCurve[], options: CoverageOptions = {}): TopLevelSpec {
  const fn = 'coverageSpec';
  if (!Array.isArray(curves) || curves.length === 0) throw new Error(`${fn}: curves must be a non-empty array of { name, levels, coverage }`);
  const names = curves.map((c) => c.name);
  if (new Set(names).size !== names.length) throw new Error(`${fn}: curve names must be distinct; received [${names.join(', ')}]`);
  const rows: { name: string; level: number; coverage: number }[] = [];
  let most = 0;
  curves.forEach((c, k) => {
    const lv = assertArray(fn, `curves[${k}].levels`, c.levels);
    const cv = assertArray(fn, `curves[${k}].coverage`, c.coverage);
    if (lv.length !== cv.length) throw new Error(`${fn}: curves[${k}] ("${c.name}") has ${lv.length} levels but ${cv.length} coverage values`);
    most = Math.max(most, lv.length);
    for (let i = 0; i < lv.length; i++) {
      if (!(lv[i] >= 0 && lv[i] <= 1 && cv[i] >= 0 && cv[i] <= 1)) {
        throw new Error(`${fn}: levels and coverage must lie in [0, 1]; curves[${k}] ("${c.name}") has (${lv[i]}, ${cv[i]}) at index ${i}`);
      }
      rows.push({ name: c.name, level: lv[i], coverage: cv[i] });
    }
  });
  const axis = (title: string, field: string) => ({ field, type: 'quantitative', title, scale: { domain: [0, 1], nice: false } });
  const layer: Record<string, unknown>[] = [];
  let subtitle: string | undefined;
  if (options.numSimulations !== undefined) {
    const n = assertNumber(fn, 'numSimulations', options.numSimulations, 1, 1e7, true);
    const bandLevel = assertNumber(fn, 'bandLevel', options.bandLevel ?? 0.95, 0, 1);
    const band = Array.from({ length: 101 }, (_, i) => {
      const [lo, hi] = binomialInterval(n, i / 100, bandLevel);
      return { level: i / 100, lo: lo / n, hi: hi / n };
    });
    layer.push({ data: { values: band }, mark: { type: 'area', color: '#cccccc', opacity: 0.6 }, encoding: { x: axis('credibility level', 'level'), y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } });
    subtitle = `grey: ${+(100 * bandLevel).toFixed(2)}% band of a calibrated posterior (${n} simulations)`;
  }
  layer.push(
    { data: { values: [{ v: 0 }, { v: 1 }] }, mark: { type: 'line', color: '#555555', strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x: { field: 'v', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } } },
    {
      mark: { type: 'line', strokeWidth: 2, point: most <= 25 ? { size: 25 } : false },
      encoding: {
        x: axis('credibility level', 'level'),
        y: axis('empirical coverage', 'coverage'),
        color: { field: 'name', type: 'nominal', title: null, sort: names, scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]) } },
      },
    },
  );
  const size = assertNumber(fn, 'size', options.size ?? 320, 50, 4000);
  return vlSpec({
    title: { text: options.title ?? 'Expected coverage', ...(subtitle ? { subtitle } : {}) },
    width: size,
    height: size,
    data: { values: rows },
    layer,
  });
}
