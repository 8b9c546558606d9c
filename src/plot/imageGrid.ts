/**
 * A grid of grayscale images (e.g. 28 × 28 MNIST digits or VAE reconstructions, values in
 * [0, 1]) tiled into one grayscale raster: rows × cols tiles, padding between them, integer
 * upscaling (`plotImageGrid` in the Node entry encodes it as PNG).
 */

/** Options of {@link imageGridPixels}. */
export interface ImageGridOptions {
  /** Image size in pixels (each image holds height × width values, row-major). */
  height: number;
  width: number;
  /** Tiles per row (default min(n, 10)); rows default to ceil(n / cols). */
  cols?: number;
  rows?: number;
  /** Pixels between tiles and around the grid, before upscaling (default 2). */
  padding?: number;
  /** Gray level of the padding and of empty tiles, in [0, 1] (default 0.5). */
  padValue?: number;
  /** Integer upscaling factor (default 2; each pixel becomes scale × scale). */
  scale?: number;
}

/** An 8-bit grayscale raster, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

function check(fn: string, name: string, v: number, lo: number, hi: number, integer: boolean): number {
  if (!(typeof v === 'number' && v >= lo && v <= hi && (!integer || Number.isInteger(v)))) {
    throw new Error(`${fn}: ${name} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]; received ${String(v)}`);
  }
  return v;
}

/**
 * Tile images into one 8-bit raster (browser-safe). `images` is a list of images (each
 * height × width values) or one flat array of n × height × width values. Values are clipped to
 * [0, 1] (0 black, 1 white); image k goes to row floor(k / cols), column k mod cols.
 */
export function imageGridPixels(images: ReadonlyArray<ArrayLike<number>> | ArrayLike<number>, options: ImageGridOptions): GrayImage {
  const fn = 'imageGridPixels';
  const h = check(fn, 'height', options?.height, 1, 4096, true);
  const w = check(fn, 'width', options.width, 1, 4096, true);
  const size = h * w;
  let list: ArrayLike<number>[];
  if (images.length > 0 && typeof images[0] === 'object') {
    list = Array.from(images as ReadonlyArray<ArrayLike<number>>);
  } else {
    const flat = images as ArrayLike<number>;
    if (flat.length % size !== 0) throw new Error(`${fn}: a flat array must hold n × ${h} × ${w} values; received ${flat.length}`);
    list = Array.from({ length: flat.length / size }, (_, k) => Array.prototype.slice.call(flat, k * size, (k + 1) * size) as number[]);
  }
  const n = list.length;
  if (n === 0) throw new Error(`${fn}: no images given`);
  list.forEach((im, k) => {
    if (!im || im.length !== size) throw new Error(`${fn}: image ${k} must hold height × width = ${h} × ${w} = ${size} values; received ${im?.length}`);
  });
  const cols = check(fn, 'cols', options.cols ?? Math.min(n, 10), 1, 10000, true);
  const rows = check(fn, 'rows', options.rows ?? Math.ceil(n / cols), 1, 10000, true);
  if (rows * cols < n) throw new Error(`${fn}: rows × cols = ${rows} × ${cols} = ${rows * cols} tiles cannot hold ${n} images`);
  const pad = check(fn, 'padding', options.padding ?? 2, 0, 1000, true);
  const padValue = check(fn, 'padValue', options.padValue ?? 0.5, 0, 1, false);
  const s = check(fn, 'scale', options.scale ?? 2, 1, 64, true);
  const W = (cols * (w + pad) + pad) * s;
  const H = (rows * (h + pad) + pad) * s;
  const data = new Uint8Array(W * H).fill(Math.round(255 * padValue));
  list.forEach((im, k) => {
    const top = (Math.floor(k / cols) * (h + pad) + pad) * s;
    const left = ((k % cols) * (w + pad) + pad) * s;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = im[y * w + x];
        if (Number.isNaN(v)) throw new Error(`${fn}: image ${k} has NaN at row ${y}, column ${x}`);
        const g = Math.round(255 * Math.min(1, Math.max(0, v)));
        for (let dy = 0; dy < s; dy++) data.fill(g, (top + y * s + dy) * W + left + x * s, (top + y * s + dy) * W + left + (x + 1) * s);
      }
    }
  });
  return { width: W, height: H, data };
}
