/**
 * Preparing digit images for a VAE with a Bernoulli decoder: binarisation, a seeded train/test
 * split, one-hot labels (browser-safe; works on any {@link DigitSet}).
 */
import { toRandom, type SeedLike } from '../random.js';
import type { DigitSet } from './mnist.js';

export interface BinarizeOptions {
  /**
   * 'stochastic' (default): each pixel becomes 1 with probability equal to its intensity, drawn
   * once from the seed, so the dataset is fixed afterwards (the binarised MNIST of Salakhutdinov &
   * Murray 2008, on which VAE log-likelihoods are usually reported; Burda et al. 2016).
   * 'threshold': 1 where the intensity exceeds `threshold` (deterministic, crisper digits).
   */
  mode?: 'stochastic' | 'threshold';
  /** Threshold of the 'threshold' mode (default 0.5). */
  threshold?: number;
  seed?: SeedLike;
}

/** Binarised copy of images with values in [0, 1] (see {@link BinarizeOptions} for the two modes). */
export function binarize(images: ArrayLike<number>, options: BinarizeOptions = {}): Float32Array {
  const mode = options.mode ?? 'stochastic';
  if (mode !== 'stochastic' && mode !== 'threshold') throw new Error(`binarize: mode must be 'stochastic' or 'threshold'; received ${String(mode)}`);
  const out = new Float32Array(images.length);
  if (mode === 'threshold') {
    const t = options.threshold ?? 0.5;
    for (let i = 0; i < out.length; i++) out[i] = images[i] > t ? 1 : 0;
  } else {
    const random = toRandom(options.seed);
    for (let i = 0; i < out.length; i++) out[i] = random.uniform() < images[i] ? 1 : 0;
  }
  return out;
}

/** The images and labels of the given rows, in that order. */
export function subsetDigits(set: DigitSet, rows: ArrayLike<number>): DigitSet {
  const size = set.rows * set.cols;
  const images = new Float32Array(rows.length * size);
  const labels = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!(Number.isInteger(r) && r >= 0 && r < set.count)) throw new Error(`subsetDigits: row ${r} is outside [0, ${set.count})`);
    images.set(set.images.subarray(r * size, (r + 1) * size), i * size);
    labels[i] = set.labels[r];
  }
  return { images, labels, count: rows.length, rows: set.rows, cols: set.cols };
}

/**
 * Seeded random split into a training and a test set: `testSize` rows (default 20% of the set)
 * go to the test set, the rest, in shuffled order, to the training set.
 */
export function splitDigits(set: DigitSet, options: { testSize?: number; seed?: SeedLike } = {}): { train: DigitSet; test: DigitSet } {
  const testSize = options.testSize ?? Math.round(0.2 * set.count);
  if (!(Number.isInteger(testSize) && testSize >= 0 && testSize < set.count)) {
    throw new Error(`splitDigits: testSize must be an integer in [0, ${set.count}); received ${testSize}`);
  }
  const order = toRandom(options.seed).permutation(set.count);
  return { test: subsetDigits(set, order.subarray(0, testSize)), train: subsetDigits(set, order.subarray(testSize)) };
}

/** Labels as one-hot rows: [count × classes] values, row i has a 1 in column labels[i]. */
export function oneHot(labels: ArrayLike<number>, classes = 10): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < classes)) throw new Error(`oneHot: label ${c} at row ${i} is outside [0, ${classes})`);
    out[i * classes + c] = 1;
  }
  return out;
}
