import * as tf from '@tensorflow/tfjs';
import { Bijector, sumLogDet, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';

/**
 * The exponential y = exp(x), mapping R^d onto (0, inf)^d: log|det J| = sum_i x_i (forward) and
 * -sum_i log y_i (inverse, x = log y). Turns a flow on R into one on positive values (the
 * log-normal from a normal). Domain rule: `inverse` takes inputs in (0, inf) only; while validation
 * is on (`setValidateArgs`), other inputs raise an error naming Exp.inverse, the interval and
 * the values received. float32 overflows for x above about 88.7 (exp(x) = Infinity).
 */
export class Exp extends Bijector {
  constructor() {
    super();
    this.inverseDomain = { low: 0, high: Infinity };
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.exp(x), logDet: sumLogDet(x) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    const x = tf.log(y) as tf.Tensor2D;
    return { out: x, logDet: tf.neg(sumLogDet(x)) };
  }

  override toConfig(): ModuleConfig {
    return { type: 'Exp' };
  }
}

registerModule('Exp', () => new Exp());
