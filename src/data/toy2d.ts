/**
 * Two-dimensional toy distributions for density estimation and variational inference, generated
 * in code (nothing is downloaded). Each has a seeded sampler; those with a closed-form density
 * also have `logProb` (normalised) so that KL divergences can be measured exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { toRandom, type SeedLike } from '../random.js';
import { logSumExp, LOG_2PI } from '../numerics.js';

export type Points = number[][];

/** sklearn-style two moons: two interleaved half circles with Gaussian noise of sd `noise`. */
export function twoMoons(n: number, seed?: SeedLike, noise = 0.05): Points {
  const r = toRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = Math.PI * r.uniform();
    const upper = i % 2 === 0;
    const x = upper ? Math.cos(t) : 1 - Math.cos(t);
    const y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    return [x + noise * r.normal(), y + noise * r.normal()];
  });
}

/** An equally weighted mixture of isotropic Gaussians in 2-D with an exact density. */
export class GaussianMixture2D {
  constructor(
    readonly means: [number, number][],
    readonly sd: number,
    readonly weights: number[] = means.map(() => 1 / means.length),
  ) {
    if (means.length === 0 || weights.length !== means.length) {
      throw new Error(`GaussianMixture2D: needs one weight per mean; received ${means.length} means and ${weights.length} weights`);
    }
    if (!(sd > 0)) throw new Error(`GaussianMixture2D: sd must be > 0; received ${sd}`);
    const total = weights.reduce((s, w) => s + w, 0);
    this.weights = weights.map((w) => w / total);
  }

  /** n seeded draws. */
  sample(n: number, seed?: SeedLike): Points {
    const r = toRandom(seed);
    const cdf: number[] = [];
    this.weights.reduce((s, w, k) => (cdf[k] = s + w), 0);
    return Array.from({ length: n }, () => {
      const u = r.uniform();
      const k = Math.min(cdf.findIndex((c) => u < c), this.means.length - 1);
      const [mx, my] = this.means[k < 0 ? this.means.length - 1 : k];
      return [mx + this.sd * r.normal(), my + this.sd * r.normal()];
    });
  }

  /** log p(x) = log sum_k w_k N(x; mu_k, sd² I), for rows of x: [n, 2] → [n]. Differentiable. */
  logProb(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const mu = tf.tensor2d(this.means); // [K, 2]
      const diff = tf.sub(tf.expandDims(x, 1), tf.expandDims(mu, 0)); // [n, K, 2]
      const sq = tf.sum(tf.square(diff), 2); // [n, K]
      const logw = tf.log(tf.tensor1d(this.weights));
      const comp = tf.add(tf.sub(tf.mul(-0.5 / (this.sd * this.sd), sq), LOG_2PI + 2 * Math.log(this.sd)), logw);
      return logSumExp(comp, 1) as tf.Tensor1D;
    });
  }
}

/** Eight Gaussians on a circle of radius `radius` (the "ring of Gaussians"). */
export function ringOfGaussians(components = 8, radius = 2, sd = 0.2): GaussianMixture2D {
  const means = Array.from({ length: components }, (_, k) => {
    const a = (2 * Math.PI * k) / components;
    return [radius * Math.cos(a), radius * Math.sin(a)] as [number, number];
  });
  return new GaussianMixture2D(means, sd);
}

/**
 * The banana: x1 = z1 * a, x2 = z2 / a + b (x1² + a²) with z ~ N(0, I) (Haario et al. 1999's
 * twisted Gaussian). The map has unit Jacobian determinant, so the density is exact:
 * log p(x) = log N(x1 / a; 0, 1) + log N(a (x2 - b (x1² + a²)); 0, 1).
 */
export class Banana2D {
  constructor(
    readonly a = 1,
    readonly b = 0.5,
  ) {}

  sample(n: number, seed?: SeedLike): Points {
    const r = toRandom(seed);
    return Array.from({ length: n }, () => {
      const z1 = r.normal();
      const z2 = r.normal();
      const x1 = this.a * z1;
      return [x1, z2 / this.a + this.b * (x1 * x1 + this.a * this.a)];
    });
  }

  logProb(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const x1 = tf.squeeze(tf.slice(x, [0, 0], [-1, 1]), [1]);
      const x2 = tf.squeeze(tf.slice(x, [0, 1], [-1, 1]), [1]);
      const z1 = tf.div(x1, this.a);
      const z2 = tf.mul(this.a, tf.sub(x2, tf.mul(this.b, tf.add(tf.square(x1), this.a * this.a))));
      return tf.sub(tf.mul(-0.5, tf.add(tf.square(z1), tf.square(z2))), LOG_2PI) as tf.Tensor1D;
    });
  }
}

/**
 * The checkerboard (Grathwohl et al. 2019, FFJORD's toy): uniform on the black squares of a
 * 4 × 4 board covering [-2, 2]², density 1/8 there and 0 elsewhere. Its sharp edges are what
 * affine flows smooth over and spline flows follow.
 */
export function checkerboard(n: number, seed?: SeedLike): Points {
  const r = toRandom(seed);
  return Array.from({ length: n }, () => {
    // A column, then a row of the same parity: the black squares are those with (col + row) even.
    const col = Math.floor(4 * r.uniform());
    const row = 2 * Math.floor(2 * r.uniform()) + (col % 2);
    return [-2 + col + r.uniform(), -2 + row + r.uniform()];
  });
}
