/**
 * Learning-rate schedules for `fit` (its `schedule` option): training progress in epochs (0-based),
 * initial rate → rate. A schedule marked `perStep` is evaluated before every optimisation step at
 * fractional progress (epoch + step / steps per epoch); otherwise once at the start of each epoch.
 */
export type LearningRateSchedule = ((epoch: number, initialLearningRate: number) => number) & {
  /** Evaluate before every step at fractional progress (default: once per epoch). */
  readonly perStep?: boolean;
};

/**
 * Cosine decay (Loshchilov & Hutter 2017, "SGDR", without restarts) from the initial rate down to
 * `floor` times it. Large steps early, small steps at the end, so a short run still ends near an
 * optimum.
 * - Per epoch (default): lr(e) = lr0 (floor + (1 - floor) (1 + cos(pi e / (epochs - 1))) / 2), so
 *   epoch 0 runs at lr0 and the last epoch at the floor.
 * - `{ perStep: true }`: the same curve over the fractional progress p in [0, epochs),
 *   lr(p) = lr0 (floor + (1 - floor) (1 + cos(pi p / epochs)) / 2): a smooth decay that reaches the
 *   floor at the last step. With few epochs the per-epoch staircase spends a whole epoch at the
 *   floor; the per-step curve does not.
 */
export function cosineSchedule(epochs: number, floor = 0.05, options: { perStep?: boolean } = {}): LearningRateSchedule {
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`cosineSchedule: epochs must be a positive integer; received ${epochs}`);
  if (!(floor > 0 && floor <= 1)) throw new Error(`cosineSchedule: floor must lie in (0, 1]; received ${floor}`);
  const perStep = options.perStep ?? false;
  const schedule = (epoch: number, lr0: number) => {
    const span = perStep ? epochs : epochs - 1;
    const t = span > 0 ? Math.min(1, Math.max(0, epoch / span)) : 0; // one epoch per epoch: the initial rate
    return lr0 * (floor + ((1 - floor) * (1 + Math.cos(Math.PI * t))) / 2);
  };
  return Object.assign(schedule, { perStep });
}
