/**
 * The saved-model format: a JSON document (architecture, weight manifest, metadata) plus one
 * binary buffer of float32 weights, following the TF.js weights convention
 * (`weightsManifest: [{ paths, weights: [{ name, shape, dtype }] }]`). The core works on in-memory
 * contents only (no Node modules), so the same code loads a model in a browser.
 */
import * as tf from '@tensorflow/tfjs';
import type { Module } from '../module.js';
import { moduleFromConfig, type Json, type ModuleConfig } from './registry.js';

export const FORMAT_NAME = 'flowsbi-model';
export const FORMAT_VERSION = 1;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface ModelJSON {
  format: typeof FORMAT_NAME;
  formatVersion: number;
  /** The architecture, rebuilt by `moduleFromConfig`. */
  model: ModuleConfig;
  /** TF.js-style manifest: one group whose `paths` names the binary file (when saved to files). */
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  /** Byte length and FNV-1a hash of the weights, to detect truncated or corrupted files. */
  weightsByteLength: number;
  weightsChecksum: string;
  /** Anything else the caller stores (training history, simulator settings, ...). */
  metadata?: { [key: string]: Json };
}

export interface SerializedModel {
  json: ModelJSON;
  weights: ArrayBuffer;
}

/** 32-bit FNV-1a hash of bytes, as 8 hex digits. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Serialise a module's architecture (`toConfig`) and all its variables. */
export function serializeModule(
  module: Module & { toConfig(): ModuleConfig },
  options: { metadata?: { [key: string]: Json }; weightsPath?: string } = {},
): SerializedModel {
  const named = module.namedVariables();
  const specs: WeightSpec[] = named.map(([name, v]) => ({ name, shape: [...v.shape], dtype: 'float32' }));
  const total = named.reduce((s, [, v]) => s + v.size, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const [, v] of named) {
    data.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  const bytes = new Uint8Array(data.buffer);
  return {
    json: {
      format: FORMAT_NAME,
      formatVersion: FORMAT_VERSION,
      model: module.toConfig(),
      weightsManifest: [{ paths: [options.weightsPath ?? 'weights.bin'], weights: specs }],
      weightsByteLength: bytes.byteLength,
      weightsChecksum: fnv1a(bytes),
      ...(options.metadata ? { metadata: options.metadata } : {}),
    },
    weights: data.buffer,
  };
}

/** Check the document's format and version; returns it typed. */
export function checkModelJSON(where: string, json: unknown): ModelJSON {
  const doc = json as Partial<ModelJSON> | null;
  if (!doc || typeof doc !== 'object' || doc.format !== FORMAT_NAME) {
    throw new Error(`${where}: not a flowsbi model (expected "format": "${FORMAT_NAME}"); received ${JSON.stringify(doc?.format ?? typeof doc)}`);
  }
  if (doc.formatVersion !== FORMAT_VERSION) {
    throw new Error(`${where}: unsupported format version ${doc.formatVersion}; this version of flowsbi reads version ${FORMAT_VERSION}`);
  }
  if (!doc.model || !Array.isArray(doc.weightsManifest) || typeof doc.weightsByteLength !== 'number') {
    throw new Error(`${where}: the model document is incomplete (missing model, weightsManifest or weightsByteLength)`);
  }
  return doc as ModelJSON;
}

/**
 * Rebuild a module from its serialised form: the architecture from the config, then every
 * variable assigned from the weights, checking names, shapes, byte length and checksum.
 */
export function deserializeModule<M extends Module = Module>(json: unknown, weights: ArrayBuffer | Uint8Array): M {
  const where = 'deserializeModule';
  const doc = checkModelJSON(where, json);
  const bytes = weights instanceof Uint8Array ? weights : new Uint8Array(weights);
  if (bytes.byteLength !== doc.weightsByteLength) {
    throw new Error(`${where}: the weights have ${bytes.byteLength} bytes but the model expects ${doc.weightsByteLength}: the weights file is truncated or belongs to another model`);
  }
  const checksum = fnv1a(bytes);
  if (checksum !== doc.weightsChecksum) {
    throw new Error(`${where}: the weights checksum is ${checksum} but the model expects ${doc.weightsChecksum}: the weights file is corrupted`);
  }
  const specs = doc.weightsManifest.flatMap((g) => g.weights);
  const module = moduleFromConfig<M>(doc.model);
  const named = module.namedVariables();
  if (named.length !== specs.length) {
    module.dispose();
    throw new Error(`${where}: the architecture has ${named.length} variables but the file stores ${specs.length}`);
  }
  // A copy: the bytes may be a view at an unaligned offset (a Node Buffer from a shared pool).
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const aligned = new Float32Array(copy.buffer);
  let offset = 0;
  named.forEach(([name, v], i) => {
    const spec = specs[i];
    if (spec.name !== name || spec.shape.join(',') !== v.shape.join(',')) {
      module.dispose();
      throw new Error(`${where}: variable ${i} is "${name}" [${v.shape.join(', ')}] in the architecture but "${spec.name}" [${spec.shape.join(', ')}] in the file`);
    }
    const t = tf.tensor(aligned.subarray(offset, offset + v.size), v.shape);
    v.assign(t);
    t.dispose();
    offset += v.size;
  });
  module.train(false);
  return module;
}
