import * as tf from '@tensorflow/tfjs';
import { Bijector, sumLogDet, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { softplus } from '../../numerics.js';
import { log1pAccurate } from './stable.js';

const INSIDE_ONE = 1 - 2 ** -24; // the largest float32 below 1

/**
 * The hyperbolic tangent y = tanh(x), mapping R^d onto (-1, 1)^d (used to bound actions in
 * soft actor-critic, Haarnoja et al. 2018). log|det J| = sum_i log(1 - tanh(x_i)^2)
 * = sum_i 2 (log 2 - x_i - softplus(-2 x_i)), a form that stays exact for large |x| (forward);
 * the inverse x = atanh(y) = (log1p(y) - log1p(-y)) / 2 has log|dx/dy| = -sum_i log(1 - y_i^2)
 * = -sum_i [log1p(y_i) + log1p(-y_i)]. Where float32 rounds tanh(x) to +-1 (|x| beyond about 9)
 * the output is the nearest float32 inside (-1, 1). Domain rule: `inverse` takes inputs in
 * (-1, 1) only; while validation is on, other inputs raise an error naming Tanh.inverse, the
 * interval and the values received.
 */
export class Tanh extends Bijector {
  constructor() {
    super();
    this.inverseDomain = { low: -1, high: 1 };
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    const y = tf.clipByValue(tf.tanh(x), -INSIDE_ONE, INSIDE_ONE) as tf.Tensor2D;
    const logDerivative = tf.mul(2, tf.sub(tf.sub(Math.LN2, x), softplus(tf.mul(-2, x)))) as tf.Tensor2D;
    return { out: y, logDet: sumLogDet(logDerivative) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    const up = log1pAccurate(y);
    const down = log1pAccurate(tf.neg(y));
    return { out: tf.mul(0.5, tf.sub(up, down)) as tf.Tensor2D, logDet: tf.neg(sumLogDet(tf.add(up, down) as tf.Tensor2D)) as tf.Tensor1D };
  }

  override toConfig(): ModuleConfig {
    return { type: 'Tanh' };
  }
}

registerModule('Tanh', () => new Tanh());
