import * as tf from '@tensorflow/tfjs';
import type { MonotonicOutput, MonotonicTransform } from './monotonic.js';
import { registerMonotonic } from './monotonic.js';
import { softClip } from '../../numerics.js';
import { tidy } from '../../util/tidy.js';

export interface AffineTransformOptions {
  /** Bound on |log scale| per layer, enforced by soft clipping (default 3: scales in (e^-3, e^3)). */
  logScaleBound?: number;
}

/**
 * The increasing affine map y = x exp(s) + t with raw parameters (t, s~):
 * s = s~ / (1 + |s~| / bound) (soft clipping keeps one layer from exploding), log dy/dx = s.
 * Used by MAF, IAF and RealNVP (Dinh et al. 2017; Papamakarios et al. 2017).
 */
export class AffineTransform implements MonotonicTransform {
  readonly kind = 'affine';
  readonly paramsPerDim = 2;
  readonly logScaleBound: number;

  constructor(options: AffineTransformOptions = {}) {
    this.logScaleBound = options.logScaleBound ?? 3;
    if (!(this.logScaleBound > 0)) {
      throw new Error(`AffineTransform: logScaleBound must be > 0; received ${this.logScaleBound}`);
    }
  }

  private split(params: tf.Tensor3D): [tf.Tensor2D, tf.Tensor2D] {
    const [b, , d] = params.shape;
    const shift = tf.reshape(tf.slice(params, [0, 0, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
    const raw = tf.reshape(tf.slice(params, [0, 1, 0], [b, 1, d]), [b, d]);
    return [shift, softClip(raw, this.logScaleBound) as tf.Tensor2D];
  }

  forward(x: tf.Tensor2D, params: tf.Tensor3D): MonotonicOutput {
    return tidy(() => {
      const [shift, logScale] = this.split(params);
      return { out: tf.add(tf.mul(x, tf.exp(logScale)), shift) as tf.Tensor2D, logAbsDet: logScale };
    });
  }

  inverse(y: tf.Tensor2D, params: tf.Tensor3D): MonotonicOutput {
    return tidy(() => {
      const [shift, logScale] = this.split(params);
      return { out: tf.mul(tf.sub(y, shift), tf.exp(tf.neg(logScale))) as tf.Tensor2D, logAbsDet: tf.neg(logScale) as tf.Tensor2D };
    });
  }

  toConfig() {
    return { kind: this.kind, logScaleBound: this.logScaleBound };
  }
}

registerMonotonic('affine', (c) => new AffineTransform(c as AffineTransformOptions));
