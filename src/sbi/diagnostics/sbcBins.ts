/**
 * The default number of bins of an SBC rank histogram, shared by the uniformity test (sbc.ts) and
 * the rank plot (plot/sbcRanks.ts) so that both bin the same way.
 */

/** About n / 20 bins in [4, 30] (at most L + 1), a divisor of L + 1 within a factor 1.5 if any. */
export function defaultSbcBins(n: number, L: number): number {
  const target = Math.min(L + 1, Math.max(4, Math.min(30, Math.round(n / 20))));
  let best = target;
  for (let b = Math.ceil(target / 1.5); b <= Math.min(L + 1, Math.floor(target * 1.5)); b++) {
    if ((L + 1) % b === 0 && (best === target || Math.abs(b - target) < Math.abs(best - target))) best = b;
  }
  return (L + 1) % target === 0 ? target : best;
}
