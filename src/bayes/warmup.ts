/**
 * Stan's warm-up schedule for a diagonal metric (Stan Reference Manual, "HMC algorithm
 * parameters"): an initial fast interval of 75 iterations (step size only), then slow windows of
 * 25, 50, 100, ... iterations at the end of each of which the metric is set to the regularised
 * variance of that window's draws, and a final fast interval of 50 iterations. When the warm-up is
 * shorter than 150 iterations the intervals become 15% / 75% / 10% of it. The last window is
 * stretched to reach the final interval rather than leave a short one.
 */

/** Iteration indices (0-based, within warm-up) at which each slow window ends (exclusive). */
export interface WarmupSchedule {
  /** First iteration of the first slow window. */
  windowStart: number;
  /** End (exclusive) of each slow window, increasing. */
  windowEnds: number[];
}

/** The schedule for `warmup` iterations (no windows when warm-up is below 20 iterations). */
export function warmupSchedule(warmup: number): WarmupSchedule {
  if (warmup < 20) return { windowStart: warmup, windowEnds: [] };
  let init = 75;
  let term = 50;
  let base = 25;
  if (init + term + base > warmup) {
    init = Math.floor(0.15 * warmup);
    term = Math.floor(0.1 * warmup);
    base = warmup - init - term;
  }
  const last = warmup - term;
  const windowEnds: number[] = [];
  let start = init;
  let size = base;
  while (start < last) {
    let end = start + size;
    if (end + 2 * size > last) end = last;
    windowEnds.push(end);
    start = end;
    size *= 2;
  }
  return { windowStart: init, windowEnds };
}

/**
 * Running per-coordinate variance (Welford 1962) of a window's draws, and Stan's regularised
 * estimate of the inverse metric: (n / (n + 5)) var + 1e-3 (5 / (n + 5)), which shrinks toward a
 * small multiple of the identity when the window is short.
 */
export class WindowVariance {
  private n = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  /** Add one draw. */
  add(x: ArrayLike<number>): void {
    this.n += 1;
    for (let i = 0; i < this.dim; i++) {
      const d = x[i] - this.mean[i];
      this.mean[i] += d / this.n;
      this.m2[i] += d * (x[i] - this.mean[i]);
    }
  }

  /** The regularised variance of the draws so far, then forget them. */
  takeRegularised(): Float64Array {
    const n = this.n;
    const out = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) {
      const v = n > 1 ? this.m2[i] / (n - 1) : 1;
      out[i] = (n / (n + 5)) * v + 1e-3 * (5 / (n + 5));
    }
    this.n = 0;
    this.mean.fill(0);
    this.m2.fill(0);
    return out;
  }
}
