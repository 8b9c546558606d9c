import { createProgress } from './progress.js';
import type { EpochInfo } from '../train/loop.js';

/**
 * A terminal progress bar for training (epoch, losses, elapsed, ETA), fed by a routine's
 * `onEpochEnd` callback. Silent when `quiet` is set or stderr is not a terminal. Chain an existing
 * callback with `then`. The ETA assumes `maxEpochs`; early stopping usually ends sooner.
 */
export function epochProgress(options: {
  maxEpochs: number;
  label?: string;
  quiet?: boolean;
  then?: (info: EpochInfo) => void | 'stop';
}): { onEpochEnd: (info: EpochInfo) => void | 'stop'; stop(): void } {
  const bar = createProgress({ total: options.maxEpochs, label: options.label ?? 'training', quiet: options.quiet });
  return {
    onEpochEnd(info) {
      bar.update(info.epoch, {
        train: info.trainLoss,
        val: info.validationLoss,
        best: `${info.bestValidationLoss.toPrecision(4)}@${info.bestEpoch}`,
      });
      return options.then?.(info);
    },
    stop: () => bar.stop(),
  };
}
