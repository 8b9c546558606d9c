/** Small binary "images" with structure (three prototypes with flipped pixels), for fast VAE tests. */
import { Random } from '../../src/random.js';

export const PIXELS = 16;

/** n rows of PIXELS binary values and their prototype labels 0-2. */
export function binaryData(n: number, seed: number): { x: Float32Array; labels: Uint8Array } {
  const r = new Random(seed);
  const prototypes = [0, 1, 2].map(() => Array.from({ length: PIXELS }, () => (r.uniform() < 0.5 ? 1 : 0)));
  const x = new Float32Array(n * PIXELS);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = r.int(3);
    labels[i] = k;
    for (let j = 0; j < PIXELS; j++) x[i * PIXELS + j] = r.uniform() < 0.1 ? 1 - prototypes[k][j] : prototypes[k][j];
  }
  return { x, labels };
}
