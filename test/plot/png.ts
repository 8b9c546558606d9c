// Shared checks for the plot tests: PNG signature, decodability, plausible size.
import { expect } from 'vitest';
import pngjs from 'pngjs';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decode PNG bytes (throws on a malformed file). */
export function decodePng(bytes: Uint8Array): { width: number; height: number; data: Buffer } {
  return pngjs.PNG.sync.read(Buffer.from(bytes));
}

/** Assert a valid PNG of at least minW × minH pixels (at most 8000 on a side) that is not blank. */
export function expectPng(bytes: Uint8Array, minW = 200, minH = 150): { width: number; height: number; data: Buffer } {
  expect(bytes).toBeInstanceOf(Uint8Array);
  expect(Array.from(bytes.subarray(0, 8))).toEqual(PNG_SIGNATURE);
  const img = decodePng(bytes);
  expect(img.width).toBeGreaterThanOrEqual(minW);
  expect(img.height).toBeGreaterThanOrEqual(minH);
  expect(img.width).toBeLessThanOrEqual(8000);
  expect(img.height).toBeLessThanOrEqual(8000);
  // Not blank: some pixels differ from the top-left (background) pixel.
  let differing = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (img.data[i] !== img.data[0] || img.data[i + 1] !== img.data[1] || img.data[i + 2] !== img.data[2]) differing++;
  }
  expect(differing).toBeGreaterThan(0.01 * img.width * img.height);
  return img;
}

/** Deterministic pseudo-random normal draws (Box-Muller on a linear congruential stream). */
export function normals(n: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}
