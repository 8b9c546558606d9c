import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from './bijector.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import { toRandom, type SeedLike } from '../random.js';

/**
 * A fixed permutation of the columns, y[:, j] = x[:, perm[j]], with log|det J| = 0.
 * Placed between autoregressive or coupling layers so that every dimension gets to condition on
 * every other. Applied as a product with a 0/1 matrix rather than `gather`, because TF.js cannot
 * differentiate `gather` on the wasm backend.
 */
export class Permutation extends Bijector {
  readonly permutation: readonly number[];
  private readonly forwardMatrix: tf.Tensor2D;
  private readonly inverseMatrix: tf.Tensor2D;

  constructor(permutation: number[]) {
    const d = permutation.length;
    const sorted = [...permutation].sort((a, b) => a - b);
    if (d === 0 || sorted.some((v, i) => v !== i)) {
      throw new Error(`Permutation: expected a permutation of 0..${Math.max(0, d - 1)}; received [${permutation.join(', ')}]`);
    }
    super(d);
    this.permutation = [...permutation];
    // P[perm[j], j] = 1, so (x P)[:, j] = x[:, perm[j]]; the inverse is P^T.
    const p = new Float32Array(d * d);
    permutation.forEach((src, j) => (p[src * d + j] = 1));
    this.forwardMatrix = tf.keep(tf.tensor2d(p, [d, d]));
    this.inverseMatrix = tf.keep(tf.transpose(this.forwardMatrix));
  }

  /** The reversal perm[j] = d - 1 - j (MAF's default between layers). */
  static reverse(dim: number): Permutation {
    return new Permutation(Array.from({ length: dim }, (_, j) => dim - 1 - j));
  }

  /** A uniformly random permutation drawn from the seed. */
  static random(dim: number, seed?: SeedLike): Permutation {
    return new Permutation(Array.from(toRandom(seed).permutation(dim)));
  }

  override get volumePreserving(): boolean {
    return true;
  }

  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.matMul(x, this.forwardMatrix), logDet: tf.zeros([x.shape[0]]) };
  }

  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return { out: tf.matMul(y, this.inverseMatrix), logDet: tf.zeros([y.shape[0]]) };
  }

  override dispose(): void {
    super.dispose();
    this.forwardMatrix.dispose();
    this.inverseMatrix.dispose();
  }

  override toConfig(): ModuleConfig {
    return { type: 'Permutation', permutation: [...this.permutation] };
  }
}

registerModule('Permutation', (c) => new Permutation(c.permutation as number[]));
