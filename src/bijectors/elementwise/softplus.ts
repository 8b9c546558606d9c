import * as tf from '@tensorflow/tfjs';
import { Bijector, sumLogDet, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { inverseSoftplus, logSigmoid } from '../../numerics.js';
import { log1pAccurate } from './stable.js';

/**
 * The softplus y = log(1 + e^x), mapping R^d onto (0, inf)^d: dy/dx = sigmoid(x), so
 * log|det J| = sum_i log sigmoid(x_i) = -sum_i softplus(-x_i) (forward), and the inverse
 * x = y + log(-expm1(-y)) (`inverseSoftplus`) has log|dx/dy| = -log(-expm1(-y)) = y - x per entry. A gentler
 * positivity constraint than `Exp` (linear growth; Dugas et al. 2001, used by TFP's
 * `Softplus` bijector). The output keeps its relative precision for x down to about -87 (it is
 * computed as max(x, 0) + log1p(e^{-|x|}) with an accurate log1p). Domain rule: `inverse` takes
 * inputs in (0, inf) only; while validation is on, other inputs raise an error naming
 * Softplus.inverse, the interval and the values received.
 */
export class Softplus extends Bijector {
  constructor() {
    super();
    this.inverseDomain = { low: 0, high: Infinity };
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    // max(x, 0) + log1p(exp(-|x|)), with masks (not relu/abs) so that autodiff gives sigmoid(0) = 1/2 at 0.
    const positive = tf.step(x);
    const minusAbs = tf.mul(x, tf.sub(1, tf.mul(2, positive)));
    const y = tf.add(tf.mul(positive, x), log1pAccurate(tf.exp(minusAbs))) as tf.Tensor2D;
    return { out: y, logDet: sumLogDet(logSigmoid(x) as tf.Tensor2D) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    const x = inverseSoftplus(y) as tf.Tensor2D;
    // log dx/dy = -log(-expm1(-y)) = y - x, written so that it is differentiable in y.
    return { out: x, logDet: sumLogDet(tf.sub(y, x) as tf.Tensor2D) };
  }

  override toConfig(): ModuleConfig {
    return { type: 'Softplus' };
  }
}

registerModule('Softplus', () => new Softplus());
