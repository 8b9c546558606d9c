/**
 * Node helpers around the in-memory format: `saveModel` writes `<name>.json` and, beside it,
 * `<name>.weights.bin`; `loadModel` reads them back. Other runtimes load the same files with
 * `loadModelFromUrl` or `loadModelFromBytes` (src/io/load.ts) and serialise with `serializeModule`.
 */
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Module } from '../module.js';
import type { Json, ModuleConfig } from '../io/registry.js';
import { serializeModule } from '../io/format.js';
import { moduleFromDocument, parseModelJSON, type LoadedModel } from '../io/load.js';

/** The weights file that goes with a model JSON path: posterior.json → posterior.weights.bin. */
export function weightsPathFor(jsonPath: string): string {
  const base = path.basename(jsonPath).replace(/\.json$/i, '');
  return `${base}.weights.bin`;
}

/** Save a module to `jsonPath` and its weights beside it. Writes to temporary names, then renames. */
export async function saveModel(
  module: Module & { toConfig(): ModuleConfig },
  jsonPath: string,
  metadata?: { [key: string]: Json },
): Promise<{ json: string; weights: string }> {
  const weightsName = weightsPathFor(jsonPath);
  const { json, weights } = serializeModule(module, { metadata, weightsPath: weightsName });
  const dir = path.dirname(jsonPath);
  await mkdir(dir, { recursive: true });
  const weightsFile = path.join(dir, weightsName);
  await writeFile(`${weightsFile}.tmp`, new Uint8Array(weights));
  await writeFile(`${jsonPath}.tmp`, JSON.stringify(json));
  await rename(`${weightsFile}.tmp`, weightsFile);
  await rename(`${jsonPath}.tmp`, jsonPath);
  return { json: jsonPath, weights: weightsFile };
}

/** Load a module saved by {@link saveModel}; errors name the file that is missing or damaged. */
export async function loadModel<M extends Module = Module>(jsonPath: string): Promise<LoadedModel<M>> {
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (e) {
    throw new Error(`loadModel: cannot read ${jsonPath}: ${(e as Error).message}`);
  }
  const doc = parseModelJSON('loadModel', jsonPath, text);
  const weightsFile = path.join(path.dirname(jsonPath), doc.weightsManifest[0]?.paths[0] ?? weightsPathFor(jsonPath));
  let weights: Buffer;
  try {
    weights = await readFile(weightsFile);
  } catch (e) {
    throw new Error(`loadModel: cannot read the weights file ${weightsFile}: ${(e as Error).message}`);
  }
  return moduleFromDocument<M>('loadModel', jsonPath, doc, new Uint8Array(weights));
}
