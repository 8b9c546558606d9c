/**
 * A conjugate Gaussian model with a known posterior, for testing calibration diagnostics:
 * θ ~ N(0, I_d), x = θ + σ ε, ε ~ N(0, I_d), so that q(θ | x) = N(x / (1 + σ²), σ² / (1 + σ²) I).
 * `scale` multiplies the posterior standard deviation (< 1: over-confident) and `shift` moves its
 * mean by that many posterior standard deviations (a biased posterior).
 */
import * as tf from '@tensorflow/tfjs';
import { Random, toOpSeed, type SeedLike } from '../../../src/random.js';
import type { AmortizedPosterior } from '../../../src/sbi/npe/types.js';

export class GaussianPosterior implements AmortizedPosterior {
  readonly sd: number;
  readonly shrink: number;

  constructor(
    readonly dim: number,
    readonly sigma: number,
    readonly options: { scale?: number; shift?: number } = {},
  ) {
    this.shrink = 1 / (1 + sigma * sigma);
    this.sd = (sigma / Math.sqrt(1 + sigma * sigma)) * (options.scale ?? 1);
  }

  private mean(xo: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.mul(xo, this.shrink), (this.options.shift ?? 0) * (this.sigma / Math.sqrt(1 + this.sigma ** 2)));
  }

  sample(xo: tf.Tensor2D, n: number, seed?: SeedLike): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, d] = xo.shape;
      const z = tf.randomNormal([b, n, d], 0, 1, 'float32', toOpSeed(seed));
      return tf.add(tf.mul(z, this.sd), tf.reshape(this.mean(xo), [b, 1, d])) as tf.Tensor3D;
    });
  }

  logProb(theta: tf.Tensor2D, xo: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(theta, this.mean(xo)), this.sd);
      return tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), this.dim * (Math.log(this.sd) + 0.5 * Math.log(2 * Math.PI))) as tf.Tensor1D;
    });
  }
}

/** N pairs (θ_i, x_i) from the prior predictive of the conjugate model, as arrays of rows. */
export function priorPredictive(n: number, dim: number, sigma: number, seed: number): { thetas: number[][]; xs: number[][] } {
  const r = new Random(seed);
  const thetas = Array.from({ length: n }, () => Array.from({ length: dim }, () => r.normal()));
  const xs = thetas.map((t) => t.map((v) => v + sigma * r.normal()));
  return { thetas, xs };
}
