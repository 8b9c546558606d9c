/**
 * Step outlines of normalized histograms (the diagonal of corner plots), computed in plain
 * JavaScript so that several overlaid sets stay readable as outlines rather than muddy fills.
 */

/** One vertex of a step outline; `k` orders the vertices along the outline. */
export interface StepVertex {
  value: number;
  density: number;
  k: number;
}

/**
 * The outline of the histogram of `values` with `bins` equal bins over [lo, hi], normalized to a
 * density by the number of finite values (so mass outside [lo, hi] is not redistributed): it
 * starts and ends at zero and has a horizontal segment at height count / (n · width) per bin.
 */
export function stepHistogram(values: number[], lo: number, hi: number, bins: number): StepVertex[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  const out: StepVertex[] = [{ value: lo, density: 0, k: 0 }];
  counts.forEach((c, b) => {
    const h = n > 0 ? c / (n * width) : 0;
    out.push({ value: lo + b * width, density: h, k: out.length }, { value: lo + (b + 1) * width, density: h, k: out.length + 1 });
  });
  out.push({ value: hi, density: 0, k: out.length });
  return out;
}
