/**
 * An independent product of priors over consecutive blocks of parameters (sbi's
 * `MultipleIndependent`): p(theta) = prod_k p_k(theta_[block k]), e.g. a uniform log r beside a
 * log-normal sigma. Each part draws from its own seeded stream (forked in order), and the product
 * has box bounds only when every part has them.
 */
import { toRandom, type SeedLike } from '../../random.js';
import { rowCount } from '../../rows.js';
import { checkDrawCount, type Prior, type PriorBounds } from './prior.js';

/** The joint of independent priors; parameters are the parts' parameters side by side. */
export class ProductPrior implements Prior {
  readonly dim: number;
  readonly parts: readonly Prior[];
  readonly bounds?: PriorBounds;

  constructor(parts: readonly Prior[]) {
    if (parts.length === 0) throw new Error('ProductPrior: needs at least one prior; received none');
    this.parts = [...parts];
    this.dim = parts.reduce((s, p) => s + p.dim, 0);
    if (parts.every((p) => p.bounds)) {
      this.bounds = { low: parts.flatMap((p) => [...p.bounds!.low]), high: parts.flatMap((p) => [...p.bounds!.high]) };
    }
  }

  sample(n: number, seed?: SeedLike): Float64Array {
    checkDrawCount('ProductPrior.sample', n);
    const random = toRandom(seed);
    const out = new Float64Array(n * this.dim);
    let col = 0;
    for (const part of this.parts) {
      const block = part.sample(n, random.fork());
      for (let i = 0; i < n; i++) out.set(block.subarray(i * part.dim, (i + 1) * part.dim), i * this.dim + col);
      col += part.dim;
    }
    return out;
  }

  logProb(thetas: Float64Array, n?: number): Float64Array {
    const rows = rowCount('ProductPrior.logProb', thetas, this.dim, n);
    const out = new Float64Array(rows);
    let col = 0;
    for (const part of this.parts) {
      const block = new Float64Array(rows * part.dim);
      for (let i = 0; i < rows; i++) block.set(thetas.subarray(i * this.dim + col, i * this.dim + col + part.dim), i * part.dim);
      const lp = part.logProb(block, rows);
      for (let i = 0; i < rows; i++) out[i] += lp[i];
      col += part.dim;
    }
    return out;
  }
}
