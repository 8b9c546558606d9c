/**
 * The scalar root finder behind the numerical inverses of planar and radial flows.
 *
 * For every row i it finds t with g_i(t) = 0, where g_i is non-decreasing on a bracket
 * [lo_i, hi_i] with g_i(lo_i) <= 0 <= g_i(hi_i). Each iteration takes Newton's step
 * t <- t - g_i(t) / g_i'(t) and falls back to bisection (the midpoint of the bracket) when that
 * step leaves the bracket, the slope is not positive, or the step is longer than half the step
 * before last (the rule of Numerical Recipes' rtsafe); the bracket shrinks with the sign of g_i at
 * every iterate. Keeping the Newton step merely inside the bracket is not enough: on
 * s + ψ tanh(s) = c Newton has attracting 2-cycles across the root (ψ = 5.33, c = 3.75 alternates
 * between s ≈ -1.48 and s ≈ 3.56 for ever, each step landing just inside the bracket left by the
 * other), so the bracket barely shrinks. With the step-length rule a Newton step is at most half
 * the step before last and any other step halves the bracket, so it converges for any monotone
 * g_i: quadratically near a simple root, and at worst like bisection.
 *
 * A row counts as converged when the caller's `residual(i, t)` (for the flows: |f(z(t)) - y|, the
 * error in data space, not |g|) is at most `tolerance`, but it keeps iterating until t itself is
 * at float64 resolution (a step or bracket below a few ulps of t, or g = 0), within the same
 * `maxIterations`: the residual alone does not pin t down where the map is nearly singular. With
 * 1 + ψ = 2e-5 (planar, wᵀu ≈ -10.8), t ≈ 0.04, a residual of 1.3e-6 left t 1.35e-3 (3%) above
 * the root, and the planar log-det, log(1 + ψ sech²(t)), whose slope in t is 48 there, was off by
 * 0.065; Newton's quadratic convergence makes the extra steps few (4 in that case). Rows still
 * above the tolerance after `maxIterations` raise an error; rows below it return their last iterate.
 * Everything runs in float64 on plain numbers, vectorised over rows by a loop (no tensor ops).
 */

export interface MonotoneProblem {
  /** Number of independent scalar equations (batch rows). */
  rows: number;
  /** Bracket per row, g(lo) <= 0 <= g(hi). */
  lo: Float64Array;
  hi: Float64Array;
  /** Starting point per row (inside the bracket). */
  start: Float64Array;
  /** g_i(t). */
  value(i: number, t: number): number;
  /** g_i'(t) (>= 0). */
  slope(i: number, t: number): number;
  /** The stopping criterion of row i at t (>= 0; NaN never converges). */
  residual(i: number, t: number): number;
}

export interface MonotoneSolveOptions {
  /** Stop a row when its residual is at most this. */
  tolerance: number;
  /** Iteration cap (Newton or bisection steps per row). */
  maxIterations: number;
  /** Class.method for the error message. */
  where: string;
}

/** Solve every row of a monotone problem; returns the roots t_i. Throws if a row does not converge. */
export function solveMonotone(p: MonotoneProblem, options: MonotoneSolveOptions): Float64Array {
  const { tolerance, maxIterations, where } = options;
  const t = Float64Array.from(p.start);
  const lo = Float64Array.from(p.lo);
  const hi = Float64Array.from(p.hi);
  // Lengths of the last step and of the one before it (rtsafe's dx and dxold), the bracket's
  // width to begin with, so that the first Newton steps are taken if they halve it.
  const last = new Float64Array(p.rows);
  const beforeLast = new Float64Array(p.rows);
  for (let i = 0; i < p.rows; i++) last[i] = beforeLast[i] = hi[i] - lo[i];
  let active: number[] = [];
  for (let i = 0; i < p.rows; i++) if (!resolved(p, i, t[i], lo[i], hi[i], last[i], tolerance)) active.push(i);

  for (let iteration = 0; iteration < maxIterations && active.length > 0; iteration++) {
    const next: number[] = [];
    for (const i of active) {
      const ti = t[i];
      const g = p.value(i, ti);
      if (g === 0) continue; // the exact float64 root
      if (g > 0) hi[i] = ti;
      else lo[i] = ti;
      const step = ti - g / p.slope(i, ti);
      const newton = step > lo[i] && step < hi[i] && Math.abs(step - ti) <= 0.5 * beforeLast[i];
      t[i] = newton ? step : 0.5 * (lo[i] + hi[i]);
      beforeLast[i] = last[i];
      last[i] = Math.abs(t[i] - ti);
      if (!resolved(p, i, t[i], lo[i], hi[i], last[i], tolerance)) next.push(i);
    }
    active = next;
  }
  // Rows that hit the cap after reaching the tolerance are accepted as they are.
  active = active.filter((i) => !(p.residual(i, t[i]) <= tolerance));

  if (active.length > 0) {
    let worst = 0;
    let worstRow = active[0];
    for (const i of active) {
      const r = p.residual(i, t[i]);
      if (!(r <= worst)) {
        worst = r;
        worstRow = i;
        if (Number.isNaN(r)) break;
      }
    }
    throw new Error(
      `${where}: the numerical inverse did not converge: the residual |f(z) - y| must reach ${tolerance} ` +
        `(TOLERANCES.numericalInverse) within ${maxIterations} iterations; received ${active.length} of ${p.rows} ` +
        `row(s) above it, worst ${worst} at row ${worstRow}` +
        (Number.isNaN(worst) ? ' (NaN: non-finite parameters or inputs)' : ' (raise maxIterations or check the parameters)'),
    );
  }
  return t;
}

/** Float64 resolution of t: steps or brackets below this many ulps of |t| change nothing useful. */
const RESOLUTION = 4 * Number.EPSILON;

/**
 * Whether row i is done: its residual is within the tolerance and t is at float64 resolution (the
 * last step or the bracket is a few ulps of t). The smallest normal number stands in for |t| = 0.
 */
function resolved(p: MonotoneProblem, i: number, t: number, lo: number, hi: number, lastStep: number, tolerance: number): boolean {
  const ulps = RESOLUTION * Math.max(Math.abs(t), 2.2250738585072014e-308);
  return (lastStep <= ulps || hi - lo <= ulps) && p.residual(i, t) <= tolerance;
}
