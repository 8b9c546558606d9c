import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../bijector.js';
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { toRandom, type SeedLike } from '../../random.js';
import { assertPositiveInt } from '../../validation.js';

export interface LULinearOptions {
  dim: number;
  /** Seed of the fixed permutation and of the initial L and U. */
  seed?: SeedLike;
  /** The fixed permutation (perm[j] = source column of column j); default: drawn from the seed. */
  permutation?: number[];
}

/**
 * (I + N)^{-1} for a nilpotent N (strictly triangular, N^dim = 0), without a triangular solve
 * (TF.js has none): the Neumann series sum_k (-N)^k, factored as
 * (I - N)(I + N^2)(I + N^4)...(I + N^{2^{m-1}}) with 2^m >= dim, i.e. about 2 log2(dim) products,
 * all differentiable.
 */
export function unitTriangularInverse(n: tf.Tensor2D, eye: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const dim = n.shape[0];
    let result = tf.sub(eye, n) as tf.Tensor2D;
    let power = n;
    for (let reach = 2; reach < dim; reach *= 2) {
      power = tf.matMul(power, power);
      result = tf.matMul(result, tf.add(eye, power));
    }
    return result;
  });
}

/**
 * An invertible linear map with a cheap log-determinant, parameterised as in Glow (Kingma &
 * Dhariwal 2018, invertible 1x1 convolution in LU form) and nflows' `LULinear`:
 *
 *   W = P L U,   L = I + N_l (unit lower-triangular),   U = diag(exp(u)) (I + N_u),
 *
 * with P a fixed permutation drawn from the seed, N_l strictly lower and N_u strictly upper
 * triangular, and the diagonal of U kept positive by the exponential. The three trainable parts
 * are packed into one [dim, dim] variable `lu` (below the diagonal N_l, above it N_u, on it u),
 * so that there are exactly dim^2 + dim parameters with the bias b.
 *
 * Directions (row vectors, batch-first):
 * - `inverse` (data → base, the density direction used by maximum-likelihood training):
 *   z = y W + b, log|det dz/dy| = log|det W| = sum_i u_i per row;
 * - `forward` (base → data: sampling, reverse KL): y = (z - b) W^{-1} with
 *   W^{-1} = U^{-1} L^{-1} P^T, the triangular inverses from {@link unitTriangularInverse} and
 *   U^{-1} = (I + N_u)^{-1} diag(exp(-u)); log|det| = -sum_i u_i.
 * Both directions are differentiable in the parameters. Initialisation as in nflows: N_l, N_u
 * uniform in +-1/sqrt(dim), u = 0, b = 0. Defined on all of R^d.
 */
export class LULinear extends Bijector {
  readonly permutation: readonly number[];
  readonly lu: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  private readonly constants: Record<'eye' | 'strictLower' | 'strictUpper' | 'perm' | 'permT', tf.Tensor2D>;

  constructor(options: LULinearOptions) {
    assertPositiveInt('LULinear', 'dim', options?.dim);
    const dim = options.dim;
    const random = toRandom(options.seed);
    const perm = options.permutation ?? Array.from(random.permutation(dim));
    if (perm.length !== dim || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) {
      throw new Error(`LULinear: permutation must be a permutation of 0..${dim - 1}; received [${perm.join(', ')}]`);
    }
    super(dim);
    this.permutation = [...perm];
    const bound = 1 / Math.sqrt(dim);
    const init = new Float32Array(dim * dim);
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) init[i * dim + j] = i === j ? 0 : (2 * random.uniform() - 1) * bound;
    }
    this.lu = this.addVariable('lu', tf.tensor2d(init, [dim, dim]));
    this.bias = this.addVariable('bias', tf.zeros([dim]) as tf.Tensor1D);
    const mask = (keep: (i: number, j: number) => boolean) =>
      tf.keep(tf.tensor2d(Array.from({ length: dim * dim }, (_, k) => Number(keep(Math.floor(k / dim), k % dim))), [dim, dim]));
    // (y P)[:, j] = y[:, perm[j]]: P[perm[j], j] = 1.
    const p = new Float32Array(dim * dim);
    perm.forEach((src, j) => (p[src * dim + j] = 1));
    this.constants = {
      eye: mask((i, j) => i === j),
      strictLower: mask((i, j) => i > j),
      strictUpper: mask((i, j) => i < j),
      perm: tf.keep(tf.tensor2d(p, [dim, dim])),
      permT: tf.keep(tf.transpose(tf.tensor2d(p, [dim, dim]))),
    };
  }

  /** The diagonal log-scales u, as a [dim] tensor. */
  private logDiagonal(): tf.Tensor1D {
    return tf.sum(tf.mul(this.lu, this.constants.eye), 1) as tf.Tensor1D;
  }

  /** The dense W = P L U (for tests and inspection). */
  weight(): tf.Tensor2D {
    return tf.tidy(() => {
      const { eye, strictLower, strictUpper, perm } = this.constants;
      const lower = tf.add(eye, tf.mul(this.lu, strictLower)) as tf.Tensor2D;
      const unitUpper = tf.add(eye, tf.mul(this.lu, strictUpper));
      const upper = tf.mul(tf.reshape(tf.exp(this.logDiagonal()), [-1, 1]), unitUpper) as tf.Tensor2D;
      return tf.matMul(tf.matMul(perm, lower), upper);
    });
  }

  /** W^{-1} = (I + N_u)^{-1} diag(exp(-u)) (I + N_l)^{-1} P^T. */
  inverseWeight(): tf.Tensor2D {
    return tf.tidy(() => {
      const { eye, strictLower, strictUpper, permT } = this.constants;
      const lowerInverse = unitTriangularInverse(tf.mul(this.lu, strictLower) as tf.Tensor2D, eye);
      const unitUpperInverse = unitTriangularInverse(tf.mul(this.lu, strictUpper) as tf.Tensor2D, eye);
      const upperInverse = tf.mul(unitUpperInverse, tf.reshape(tf.exp(tf.neg(this.logDiagonal())), [1, -1])) as tf.Tensor2D;
      return tf.matMul(tf.matMul(upperInverse, lowerInverse), permT);
    });
  }

  private logDet(rows: number, sign: number): tf.Tensor1D {
    return tf.mul(tf.ones([rows]), tf.mul(sign, tf.sum(this.logDiagonal()))) as tf.Tensor1D;
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.matMul(tf.sub(x, this.bias), this.inverseWeight()), logDet: this.logDet(x.shape[0], -1) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return { out: tf.add(tf.matMul(y, this.weight()), this.bias), logDet: this.logDet(y.shape[0], 1) };
  }

  override dispose(): void {
    super.dispose();
    tf.dispose(Object.values(this.constants));
  }

  override toConfig(): ModuleConfig {
    return { type: 'LULinear', dim: this.dim as number, permutation: [...this.permutation] };
  }
}

registerModule('LULinear', (c) => new LULinear({ dim: c.dim as number, permutation: c.permutation as number[] }));
