import * as tf from '@tensorflow/tfjs';
import { Bijector, sumLogDet, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { Interval, squash, squashLogDerivative, unsquash, unsquashLogDerivative } from './stable.js';

/**
 * The logistic sigmoid y = 1 / (1 + e^{-x}), mapping R^d onto (0, 1)^d:
 * log|det J| = sum_i [log sigmoid(x_i) + log sigmoid(-x_i)] (forward), and the inverse
 * x = logit(y) = log y - log(1 - y) has log|dx/dy| = -sum_i [log y_i + log(1 - y_i)].
 * Both sides are computed from the nearer bound, so 1 - y keeps its precision; where float32
 * cannot tell sigmoid(x) from 0 or 1 (|x| beyond about 17 near 1, 87 near 0) the output is the
 * nearest float32 inside (0, 1). Domain rule: `inverse` takes inputs in (0, 1) only; while
 * validation is on, other inputs raise an error naming Sigmoid.inverse, the interval and the
 * values received. (`Logit` is the same map the other way round.)
 */
export class Sigmoid extends Bijector {
  private readonly interval = new Interval(0, 1);

  constructor() {
    super();
    this.inverseDomain = { low: 0, high: 1 };
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: squash(x, this.interval) as tf.Tensor2D, logDet: sumLogDet(squashLogDerivative(x, this.interval) as tf.Tensor2D) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return { out: unsquash(y, this.interval) as tf.Tensor2D, logDet: sumLogDet(unsquashLogDerivative(y, this.interval) as tf.Tensor2D) };
  }

  override dispose(): void {
    super.dispose();
    this.interval.dispose();
  }

  override toConfig(): ModuleConfig {
    return { type: 'Sigmoid' };
  }
}

registerModule('Sigmoid', () => new Sigmoid());
