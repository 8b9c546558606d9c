import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { Interval, squashWithLogDet, unsquashWithLogDet } from './stable.js';

/**
 * A scaled sigmoid mapping R^d onto the box (low, high)^d, with one pair of bounds for every
 * column or one per column: y = low + (high - low) sigmoid(x), so that
 * log|det J| = sum_i [log(high_i - low_i) + log sigmoid(x_i) + log sigmoid(-x_i)] (forward), and
 * the inverse x = logit((y - low) / (high - low)) = log(y - low) - log(high - y) has
 * log|dx/dy| = sum_i [log(high_i - low_i) - log(y_i - low_i) - log(high_i - y_i)].
 * Placed last in a flow it makes the posterior of neural posterior estimation respect a box
 * prior (as sbi does with a sigmoid transform; Greenberg et al. 2019, Papamakarios et al. 2021).
 *
 * Float32: y is computed from the nearer bound and the inverse from the differences y - low and
 * high - y, so both stay accurate next to the bounds, and the log-dets are exact for any |x|.
 * Where float32 cannot tell y from a bound (|x| beyond about 16 for bounds of order one; near a
 * bound at 0 only below x = -87) the output is the nearest float32 strictly inside, so every
 * sample has a finite inverse and density, but inverse(forward(x)) then returns a smaller |x|.
 * Domain rule: `inverse` takes inputs in the open box only; while validation is on, other
 * inputs raise an error naming Box.inverse, the interval and the values received.
 */
export class Box extends Bijector {
  readonly low: number | readonly number[];
  readonly high: number | readonly number[];
  private readonly interval: Interval;

  constructor(options: { low: number | number[]; high: number | number[] }) {
    const { low, high } = options ?? ({} as { low: number; high: number });
    const perColumn = Array.isArray(low) || Array.isArray(high);
    const width = Array.isArray(low) ? low.length : Array.isArray(high) ? high.length : 1;
    const lows = Array.isArray(low) ? low : new Array(width).fill(low);
    const highs = Array.isArray(high) ? high : new Array(width).fill(high);
    if (width === 0 || lows.length !== highs.length) {
      throw new Error(`Box: low and high must be numbers or arrays of one common, non-zero length; received low ${JSON.stringify(low)}, high ${JSON.stringify(high)}`);
    }
    lows.forEach((l, i) => {
      if (!(Number.isFinite(l) && Number.isFinite(highs[i]) && highs[i] > l)) {
        throw new Error(`Box: need finite low < high in every dimension; dimension ${i} has low ${l}, high ${highs[i]}`);
      }
    });
    super(perColumn ? width : undefined);
    this.low = perColumn ? [...lows] : (low as number);
    this.high = perColumn ? [...highs] : (high as number);
    this.interval = perColumn ? new Interval(lows, highs) : new Interval(low as number, high as number);
    this.inverseDomain = perColumn ? { low: [...lows], high: [...highs] } : { low: low as number, high: high as number };
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return squashWithLogDet(x, this.interval);
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return unsquashWithLogDet(y, this.interval);
  }

  override dispose(): void {
    super.dispose();
    this.interval.dispose();
  }

  override toConfig(): ModuleConfig {
    const copy = (v: number | readonly number[]) => (typeof v === 'number' ? v : [...v]);
    return { type: 'Box', low: copy(this.low), high: copy(this.high) };
  }
}

registerModule('Box', (c) => new Box({ low: c.low as number | number[], high: c.high as number | number[] }));
