/**
 * Priors on plain typed arrays, for the simulation side of simulation-based inference (no
 * tensors): parameters are row-major n x dim Float64Arrays, as {@link Simulator}s take them.
 * The tensor-valued counterpart for flows is `BoxUniform` in `src/distributions/`.
 */
import { toRandom, type SeedLike } from '../../random.js';
import { rowCount } from '../../rows.js';

/** Box bounds of a prior's support: low[j] <= theta_j <= high[j]. */
export interface PriorBounds {
  readonly low: readonly number[];
  readonly high: readonly number[];
}

/** A prior p(theta) on R^dim whose samples and densities are row-major Float64Arrays. */
export interface Prior {
  readonly dim: number;
  /** n draws, row-major n x dim. Same seed, same draws. */
  sample(n: number, seed?: SeedLike): Float64Array;
  /** log p(theta) for each of the n rows of thetas (n x dim); -Infinity outside the support. */
  logProb(thetas: Float64Array, n?: number): Float64Array;
  /** The support's bounding box, when it has one. */
  readonly bounds?: PriorBounds;
}

/** The checked draw count of a prior's `sample` (a non-negative integer). */
export function checkDrawCount(where: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${where}: n must be a non-negative integer; received ${n}`);
  return n;
}

/**
 * Independent uniforms on the box prod_j [low_j, high_j] (sbi's `BoxUniform`):
 * log p(theta) = -sum_j log(high_j - low_j) inside the closed box, -Infinity outside;
 * sampling theta_j = low_j + (high_j - low_j) u_j with u_j ~ U[0, 1) from a seeded `alea` stream.
 */
export class UniformPrior implements Prior {
  readonly dim: number;
  readonly bounds: PriorBounds;
  private readonly logVolume: number;

  constructor(low: readonly number[], high: readonly number[]) {
    if (low.length === 0 || high.length !== low.length) {
      throw new Error(`UniformPrior: low and high must be non-empty and of the same length; received ${low.length} and ${high.length}`);
    }
    low.forEach((l, j) => {
      if (!(Number.isFinite(l) && Number.isFinite(high[j]) && high[j] > l)) {
        throw new Error(`UniformPrior: need finite low < high in every dimension; dimension ${j} has [${l}, ${high[j]}]`);
      }
    });
    this.dim = low.length;
    this.bounds = { low: [...low], high: [...high] };
    this.logVolume = low.reduce((s, l, j) => s + Math.log(high[j] - l), 0);
  }

  sample(n: number, seed?: SeedLike): Float64Array {
    checkDrawCount('UniformPrior.sample', n);
    const random = toRandom(seed);
    const { low, high } = this.bounds;
    const out = new Float64Array(n * this.dim);
    for (let i = 0; i < out.length; i++) {
      const j = i % this.dim;
      out[i] = low[j] + (high[j] - low[j]) * random.uniform();
    }
    return out;
  }

  logProb(thetas: Float64Array, n?: number): Float64Array {
    const rows = rowCount('UniformPrior.logProb', thetas, this.dim, n);
    const { low, high } = this.bounds;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let inside = true;
      for (let j = 0; j < this.dim; j++) {
        const v = thetas[i * this.dim + j];
        if (!(v >= low[j] && v <= high[j])) inside = false;
      }
      out[i] = inside ? -this.logVolume : -Infinity;
    }
    return out;
  }
}
