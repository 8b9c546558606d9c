/**
 * Independent log-normal priors: log theta_j ~ N(mu_j, sigma_j^2), for positive parameters (rates,
 * scales). log p(theta) = sum_j [-log theta_j - log sigma_j - log(2 pi)/2 - (log theta_j - mu_j)^2 / (2 sigma_j^2)],
 * -Infinity for theta_j <= 0. No box bounds: NPE trains without the Box map, so its draws are not
 * confined to theta > 0 (train on log theta, with a `GaussianPrior`, when that matters).
 */
import { toRandom, type SeedLike } from '../../random.js';
import { rowCount } from '../../rows.js';
import { checkDrawCount, type Prior } from './prior.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log theta_j ~ N(mu_j, sigma_j^2), independently (`mu` and `sigma` per dimension). */
export class LogNormalPrior implements Prior {
  readonly dim: number;
  readonly mu: readonly number[];
  readonly sigma: readonly number[];
  /** Unbounded support: no box (so `trainNPE({ bounds: prior.bounds })` trains without the Box map). */
  readonly bounds: undefined = undefined;

  constructor(mu: readonly number[], sigma: readonly number[]) {
    if (mu.length === 0 || sigma.length !== mu.length) throw new Error(`LogNormalPrior: mu and sigma must be non-empty and of the same length; received ${mu.length} and ${sigma.length}`);
    mu.forEach((m, j) => {
      if (!(Number.isFinite(m) && Number.isFinite(sigma[j]) && sigma[j] > 0)) throw new Error(`LogNormalPrior: need finite mu and sigma > 0; dimension ${j} has mu ${m}, sigma ${sigma[j]}`);
    });
    this.dim = mu.length;
    this.mu = [...mu];
    this.sigma = [...sigma];
  }

  sample(n: number, seed?: SeedLike): Float64Array {
    checkDrawCount('LogNormalPrior.sample', n);
    const random = toRandom(seed);
    const out = new Float64Array(n * this.dim);
    for (let i = 0; i < out.length; i++) {
      const j = i % this.dim;
      out[i] = Math.exp(this.mu[j] + this.sigma[j] * random.normal());
    }
    return out;
  }

  logProb(thetas: Float64Array, n?: number): Float64Array {
    const rows = rowCount('LogNormalPrior.logProb', thetas, this.dim, n);
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let lp = 0;
      for (let j = 0; j < this.dim; j++) {
        const v = thetas[r * this.dim + j];
        if (!(v > 0)) {
          lp = -Infinity;
          break;
        }
        const z = (Math.log(v) - this.mu[j]) / this.sigma[j];
        lp += -Math.log(v) - Math.log(this.sigma[j]) - HALF_LOG_2PI - 0.5 * z * z;
      }
      out[r] = lp;
    }
    return out;
  }
}
