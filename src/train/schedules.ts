/**
 * Learning-rate schedules for `fit` (its `schedule` option: epoch (0-based), initial rate → rate).
 */

/**
 * Cosine decay (Loshchilov & Hutter 2017, "SGDR", without restarts) from the initial rate at epoch
 * 0 to `floor` times it at epoch `epochs - 1`:
 *   lr(e) = lr0 (floor + (1 - floor) (1 + cos(pi e / (epochs - 1))) / 2).
 * Large steps early, small steps at the end, so a short run still ends near an optimum.
 */
export function cosineSchedule(epochs: number, floor = 0.05): (epoch: number, initialLearningRate: number) => number {
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`cosineSchedule: epochs must be a positive integer; received ${epochs}`);
  if (!(floor > 0 && floor <= 1)) throw new Error(`cosineSchedule: floor must lie in (0, 1]; received ${floor}`);
  return (epoch, lr0) => {
    const t = epochs > 1 ? Math.min(1, Math.max(0, epoch / (epochs - 1))) : 0; // one epoch: the initial rate
    return lr0 * (floor + ((1 - floor) * (1 + Math.cos(Math.PI * t))) / 2);
  };
}
