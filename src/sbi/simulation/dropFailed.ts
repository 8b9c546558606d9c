/**
 * The filtering step of `simulateDataset`: a simulation is dropped when it threw or when its
 * output holds NaN or +-Infinity (as sbi drops non-finite simulations before training).
 */

/** The kept rows and the counts of dropped ones. */
export interface KeptRows {
  thetas: Float64Array;
  xs: Float64Array;
  n: number;
  dropped: number;
  droppedThrew: number;
  droppedNonFinite: number;
}

/**
 * Remove the rows that threw or hold a non-finite value. Throws when every simulation threw
 * (almost surely a bug rather than a bad region of parameter space).
 */
export function dropFailed(thetas: Float64Array, xs: Float64Array, threw: Uint8Array, d: number, m: number, firstError?: string): KeptRows {
  const n = threw.length;
  const keep = new Uint8Array(n);
  let kept = 0;
  let droppedThrew = 0;
  for (let i = 0; i < n; i++) {
    if (threw[i]) {
      droppedThrew++;
      continue;
    }
    let finite = true;
    for (let j = i * m; j < (i + 1) * m; j++) if (!Number.isFinite(xs[j])) finite = false;
    if (finite) {
      keep[i] = 1;
      kept++;
    }
  }
  if (n > 0 && droppedThrew === n) throw new Error(`simulateDataset: all ${n} simulations threw; the first with ${firstError}`);
  const dropped = n - kept;
  if (dropped === 0) return { thetas: thetas.slice(), xs, n, dropped, droppedThrew, droppedNonFinite: 0 };
  const keptThetas = new Float64Array(kept * d);
  const keptXs = new Float64Array(kept * m);
  for (let i = 0, k = 0; i < n; i++) {
    if (!keep[i]) continue;
    keptThetas.set(thetas.subarray(i * d, (i + 1) * d), k * d);
    keptXs.set(xs.subarray(i * m, (i + 1) * m), k * m);
    k++;
  }
  return { thetas: keptThetas, xs: keptXs, n: kept, dropped, droppedThrew, droppedNonFinite: dropped - droppedThrew };
}
