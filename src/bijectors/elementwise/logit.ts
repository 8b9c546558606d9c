import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { Interval, squashWithLogDet, unsquashWithLogDet } from './stable.js';

/**
 * The logit y = log x - log(1 - x), mapping (0, 1)^d onto R^d: the inverse of `Sigmoid`, as its own
 * class so that its name shows in errors. log|det J| = -sum_i [log x_i + log(1 - x_i)] (forward);
 * the inverse x = sigmoid(y) has log|det| = sum_i [log sigmoid(y_i) + log sigmoid(-y_i)]. Used to
 * unconstrain data on the unit interval (Dinh et al. 2017 preprocess images with it).
 * Domain rule: `forward` takes inputs in (0, 1) only; while validation is on, other inputs raise
 * an error naming Logit.forward, the interval and the values received. The inverse returns the
 * nearest float32 inside (0, 1) where sigmoid(y) rounds to a bound.
 */
export class Logit extends Bijector {
  private readonly interval = new Interval(0, 1);

  constructor() {
    super();
    this.forwardDomain = { low: 0, high: 1 };
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return unsquashWithLogDet(x, this.interval);
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return squashWithLogDet(y, this.interval);
  }

  override dispose(): void {
    super.dispose();
    this.interval.dispose();
  }

  override toConfig(): ModuleConfig {
    return { type: 'Logit' };
  }
}

registerModule('Logit', () => new Logit());
