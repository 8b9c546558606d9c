/**
 * Binary images as base64 of packed bits (8 pixels a byte, most significant bit first): the
 * shipped MNIST test digits take 98 bytes each instead of 784 floats. Runs in Node (the asset
 * script) and in the browser (the page), so it uses only `btoa`/`atob`.
 */

/** Pack values that are 0 or 1 into base64 (any value > 0.5 counts as 1). */
export function packBits(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) if (values[i] > 0.5) bytes[i >> 3] |= 0x80 >> (i & 7);
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return btoa(text);
}

/** The inverse of {@link packBits}: `count` values of 0 or 1. */
export function unpackBits(base64: string, count: number): Float32Array {
  const text = atob(base64);
  if (text.length < Math.ceil(count / 8)) throw new Error(`unpackBits: ${count} values need ${Math.ceil(count / 8)} bytes; received ${text.length}`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (text.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;
  return out;
}
