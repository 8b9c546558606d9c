import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '../../src/distributions/distribution.js';

export interface QuadratureResult {
  /** Integral of the density over the box. */
  mass: number;
  /** Integral of x_k p(x) and x_k^2 p(x) per dimension (first and second moments). */
  mean: number[];
  second: number[];
}

/**
 * Midpoint-rule integration of exp(logProb) over a box in 1-D or 2-D, evaluated in chunks so that
 * memory stays bounded. `context` (one row) is shared by every grid point.
 */
export function integrateDensity(
  dist: Distribution,
  box: [number, number][],
  points: number,
  context?: tf.Tensor2D,
): QuadratureResult {
  const dim = box.length;
  if (dim !== 1 && dim !== 2) throw new Error('integrateDensity: 1-D or 2-D only');
  const h = box.map(([a, b]) => (b - a) / points);
  const cell = h.reduce((p, v) => p * v, 1);
  const total = points ** dim;
  let mass = 0;
  const mean = new Array(dim).fill(0);
  const second = new Array(dim).fill(0);
  const chunk = 20000;
  for (let start = 0; start < total; start += chunk) {
    const n = Math.min(chunk, total - start);
    const coords = new Float32Array(n * dim);
    for (let k = 0; k < n; k++) {
      const idx = start + k;
      const i0 = idx % points;
      const i1 = Math.floor(idx / points);
      coords[k * dim] = box[0][0] + (i0 + 0.5) * h[0];
      if (dim === 2) coords[k * dim + 1] = box[1][0] + (i1 + 0.5) * h[1];
    }
    const x = tf.tensor2d(coords, [n, dim]);
    const lp = context ? dist.logProb(x, context) : dist.logProb(x);
    const logp = lp.dataSync();
    tf.dispose([x, lp]);
    for (let k = 0; k < n; k++) {
      const p = Math.exp(logp[k]) * cell;
      if (!Number.isFinite(p)) continue;
      mass += p;
      for (let j = 0; j < dim; j++) {
        const v = coords[k * dim + j];
        mean[j] += v * p;
        second[j] += v * v * p;
      }
    }
  }
  return { mass, mean, second };
}
