import { describe, expect, test } from 'vitest';
import { imageGridPixels } from '../../src/plot/imageGrid.js';
import { plotImageGrid } from '../../src/node/png.js';
import { decodePng, PNG_SIGNATURE } from './png.js';

describe('image grid', () => {
  // Three 2 × 3 images; image k has value (k + 1) / 4 everywhere except a white top-left pixel.
  const images = [0, 1, 2].map((k) => Array.from({ length: 6 }, (_, i) => (i === 0 ? 1 : (k + 1) / 4)));

  test('places every pixel where expected', () => {
    const g = imageGridPixels(images, { height: 2, width: 3, cols: 2, padding: 1, padValue: 0, scale: 2 });
    // 2 columns × (3 + 1) + 1 = 9 wide, 2 rows × (2 + 1) + 1 = 7 high, doubled.
    expect([g.width, g.height]).toEqual([18, 14]);
    const at = (x: number, y: number) => g.data[y * g.width + x];
    const g8 = (v: number) => Math.round(255 * v);
    for (let k = 0; k < 3; k++) {
      const left = ((k % 2) * 4 + 1) * 2;
      const top = (Math.floor(k / 2) * 3 + 1) * 2;
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 6; x++) {
          const source = Math.floor(y / 2) * 3 + Math.floor(x / 2);
          expect(at(left + x, top + y)).toBe(source === 0 ? 255 : g8((k + 1) / 4));
        }
      }
    }
    expect(at(0, 0)).toBe(0); // padding
    expect(at(13, 9)).toBe(0); // the empty fourth tile
  });

  test('flat input, clipping and PNG output', async () => {
    const flat = [-1, 0.5, 2, 0.25];
    const png = await plotImageGrid(flat, { height: 1, width: 1, padding: 0, scale: 1 });
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([4, 1]);
    expect([0, 1, 2, 3].map((i) => img.data[4 * i])).toEqual([0, 128, 255, 64]);
  });

  test('clear errors', () => {
    expect(() => imageGridPixels([[1, 2, 3]], { height: 2, width: 2 })).toThrow(/imageGridPixels: image 0 must hold height × width = 2 × 2 = 4 values; received 3/);
    expect(() => imageGridPixels([0, 1, 2], { height: 2, width: 1 })).toThrow(/n × 2 × 1 values; received 3/);
    expect(() => imageGridPixels(images, { height: 2, width: 3, rows: 1, cols: 2 })).toThrow(/1 × 2 = 2 tiles cannot hold 3 images/);
  });
});
