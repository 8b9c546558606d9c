import type * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from './bijector.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';

/**
 * The inverse of a bijector: forward and inverse swap, and so do the log-dets.
 * Turning a MAF layer (one-pass density) into an IAF layer (one-pass sampling) is `new Invert(maf)`.
 */
export class Invert extends Bijector {
  constructor(readonly bijector: Bijector) {
    super(bijector.dim, bijector.contextDim);
    this.addModule('bijector', bijector);
    // The inner bijector validates its own domains when it is called.
  }

  protected forwardImpl(x: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    return this.bijector.inverse(x, context);
  }

  protected inverseImpl(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    return this.bijector.forward(y, context);
  }

  override get exactInverse(): boolean {
    return this.bijector.exactInverse;
  }

  override get name(): string {
    return `Invert(${this.bijector.name})`;
  }

  override toConfig(): ModuleConfig {
    return { type: 'Invert', bijector: this.bijector.toConfig() };
  }
}

registerModule('Invert', (c) => new Invert(moduleFromConfig<Bijector>(c.bijector as ModuleConfig)));
