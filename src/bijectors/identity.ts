import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from './bijector.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';

/** The identity map y = x, log|det J| = 0. Accepts any width. */
export class Identity extends Bijector {
  constructor() {
    super();
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.clone(x), logDet: tf.zeros([x.shape[0]]) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return this.forwardImpl(y);
  }

  override toConfig(): ModuleConfig {
    return { type: 'Identity' };
  }
}

registerModule('Identity', () => new Identity());
