/**
 * Writing figures to disk (Node only: uses node:fs; kept apart from the spec builders so that
 * those stay usable in a browser).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write PNG bytes to `path`, creating missing parent directories. Accepts the bytes or the
 * promise a plot function returns: `await writePng('out/fig.png', plotHeatmap(grid))`.
 */
export async function writePng(path: string, png: Uint8Array | Promise<Uint8Array>): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) throw new Error(`writePng: path must be a non-empty string; received ${String(path)}`);
  const bytes = await png;
  if (!(bytes instanceof Uint8Array) || bytes.length < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x50) {
    throw new Error(`writePng: expected PNG bytes (starting with the PNG signature) for ${path}`);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
