/**
 * The IDX format of the MNIST files (LeCun et al. 1998, http://yann.lecun.com/exdb/mnist/),
 * parsed from bytes (browser-safe; `mnistFiles.ts` reads files and gunzips them in Node).
 *
 * An IDX file is: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
 * 0x0D float32, 0x0E float64), the number of dimensions n, then n big-endian uint32 sizes, then the
 * values in row-major order, big-endian. MNIST images are [count, 28, 28] uint8 (0 = background,
 * 255 = ink) and labels [count] uint8 (0-9).
 */

/** IDX type codes and their byte widths. */
const IDX_TYPES: Record<number, { name: IdxType; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxArray {
  type: IdxType;
  /** Sizes of the dimensions, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The values in row-major order (a Uint8Array for uint8 files, else a number array type). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Parse an IDX file's bytes (not gzipped). Errors say what is wrong with the header or length. */
export function parseIdx(bytes: Uint8Array): IdxArray {
  const where = 'parseIdx';
  if (!(bytes instanceof Uint8Array)) throw new Error(`${where}: expected a Uint8Array of file bytes; received ${typeof bytes}`);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new Error(`${where}: the bytes are gzip-compressed; decompress them first (readIdxFile does it in Node)`);
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${where}: not an IDX file (it must start with two zero bytes); received ${bytes.length} bytes starting ${Array.from(bytes.subarray(0, 4)).join(' ')}`);
  }
  const type = IDX_TYPES[bytes[2]];
  if (!type) throw new Error(`${where}: unknown IDX type code 0x${bytes[2].toString(16)} (expected 08, 09, 0b, 0c, 0d or 0e)`);
  const n = bytes[3];
  const header = 4 + 4 * n;
  if (bytes.length < header) throw new Error(`${where}: the header announces ${n} dimensions but the file has only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: n }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((p, d) => p * d, 1);
  const expected = header + count * type.bytes;
  if (bytes.length !== expected) {
    throw new Error(`${where}: dims [${dims.join(', ')}] of ${type.name} need ${expected} bytes; the file has ${bytes.length} (truncated or not IDX)`);
  }
  let data: IdxArray['data'];
  switch (type.name) {
    case 'uint8':
      data = bytes.slice(header, expected);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(header, expected).buffer);
      break;
    default: {
      const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[type.name];
      const out = new Ctor(count);
      for (let i = 0; i < count; i++) {
        const at = header + i * type.bytes;
        out[i] =
          type.name === 'int16' ? view.getInt16(at, false)
          : type.name === 'int32' ? view.getInt32(at, false)
          : type.name === 'float32' ? view.getFloat32(at, false)
          : view.getFloat64(at, false);
      }
      data = out;
    }
  }
  return { type: type.name, dims, data };
}

/** Encode values as IDX bytes (big-endian), e.g. to write small test files or export a subset. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const code = Number(Object.keys(IDX_TYPES).find((k) => IDX_TYPES[Number(k)].name === array.type));
  if (!Number.isFinite(code)) throw new Error(`encodeIdx: unknown type ${array.type}`);
  const { bytes } = IDX_TYPES[code];
  const count = array.dims.reduce((p, d) => p * d, 1);
  if (array.data.length !== count) throw new Error(`encodeIdx: dims [${array.dims.join(', ')}] need ${count} values; received ${array.data.length}`);
  const header = 4 + 4 * array.dims.length;
  const out = new Uint8Array(header + count * bytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.dims.length;
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = header + i * bytes;
    const v = array.data[i];
    if (array.type === 'uint8') view.setUint8(at, v);
    else if (array.type === 'int8') view.setInt8(at, v);
    else if (array.type === 'int16') view.setInt16(at, v, false);
    else if (array.type === 'int32') view.setInt32(at, v, false);
    else if (array.type === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

/** Grayscale images scaled to [0, 1], row-major, with their labels. */
export interface DigitSet {
  /** count × rows × cols values in [0, 1] (0 background, 1 ink). */
  images: Float32Array;
  /** One class label per image (MNIST: 0-9). */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** MNIST images from IDX bytes: a uint8 [count, rows, cols] array, scaled to [0, 1] by /255. */
export function parseMnistImages(bytes: Uint8Array): { images: Float32Array; count: number; rows: number; cols: number } {
  const idx = parseIdx(bytes);
  if (idx.type !== 'uint8' || idx.dims.length !== 3) {
    throw new Error(`parseMnistImages: expected uint8 images [count, rows, cols]; received ${idx.type} [${idx.dims.join(', ')}]`);
  }
  const images = new Float32Array(idx.data.length);
  for (let i = 0; i < images.length; i++) images[i] = idx.data[i] / 255;
  return { images, count: idx.dims[0], rows: idx.dims[1], cols: idx.dims[2] };
}

/** MNIST labels from IDX bytes: a uint8 [count] array. */
export function parseMnistLabels(bytes: Uint8Array): Uint8Array {
  const idx = parseIdx(bytes);
  if (idx.type !== 'uint8' || idx.dims.length !== 1) {
    throw new Error(`parseMnistLabels: expected uint8 labels [count]; received ${idx.type} [${idx.dims.join(', ')}]`);
  }
  return idx.data as Uint8Array;
}

/** Images and labels from the bytes of an MNIST image file and label file (not gzipped). */
export function parseMnist(imageBytes: Uint8Array, labelBytes: Uint8Array): DigitSet {
  const { images, count, rows, cols } = parseMnistImages(imageBytes);
  const labels = parseMnistLabels(labelBytes);
  if (labels.length !== count) throw new Error(`parseMnist: ${count} images but ${labels.length} labels`);
  return { images, labels, count, rows, cols };
}
