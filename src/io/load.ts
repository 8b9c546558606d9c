/**
 * Loading a saved model without files: from its bytes (any runtime) or from URLs with `fetch`
 * (a browser, Deno, Node 18+). The format is that of `saveModel` in the Node entry: a JSON
 * document and, beside it, the weights file named in its manifest.
 */
import type { Module } from '../module.js';
import type { Json } from './registry.js';
import { checkModelJSON, deserializeModule, type ModelJSON } from './format.js';

/** A loaded module and the metadata saved with it. */
export interface LoadedModel<M extends Module = Module> {
  module: M;
  metadata: { [key: string]: Json };
}

/** The model document from JSON text, bytes or an already parsed object; errors name `source`. */
export function parseModelJSON(where: string, source: string, json: string | ArrayBuffer | Uint8Array | object): ModelJSON {
  let parsed: unknown = json;
  if (typeof json === 'string' || json instanceof ArrayBuffer || json instanceof Uint8Array) {
    const text = typeof json === 'string' ? json : new TextDecoder().decode(json);
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`${where}: ${source} is not valid JSON (truncated or corrupted?): ${(e as Error).message}`);
    }
  }
  return checkModelJSON(`${where}(${source})`, parsed);
}

/** Rebuild the module of a checked document from its weights; errors name `source`. */
export function moduleFromDocument<M extends Module = Module>(where: string, source: string, doc: ModelJSON, weights: ArrayBuffer | Uint8Array): LoadedModel<M> {
  try {
    return { module: deserializeModule<M>(doc, weights), metadata: doc.metadata ?? {} };
  } catch (e) {
    throw new Error(`${where}(${source}): ${(e as Error).message}`);
  }
}

/**
 * Load a model from its two parts held in memory: the JSON document (text, bytes or parsed) and
 * the weights (an ArrayBuffer or bytes), e.g. read from an upload, IndexedDB or a bundle.
 */
export function loadModelFromBytes<M extends Module = Module>(json: string | ArrayBuffer | Uint8Array | object, weights: ArrayBuffer | Uint8Array): LoadedModel<M> {
  const doc = parseModelJSON('loadModelFromBytes', 'the model JSON', json);
  return moduleFromDocument<M>('loadModelFromBytes', 'the model JSON', doc, weights);
}

/** The subset of `fetch` that loading needs (pass one to use another transport or to test). */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; statusText?: string; arrayBuffer(): Promise<ArrayBuffer> }>;

async function fetchBytes(where: string, fetcher: FetchLike, url: string, what: string): Promise<ArrayBuffer> {
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetcher(url);
  } catch (e) {
    throw new Error(`${where}: cannot fetch the ${what} ${url}: ${(e as Error).message}`);
  }
  if (!response.ok) throw new Error(`${where}: cannot fetch the ${what} ${url}: HTTP ${response.status} ${response.statusText ?? ''}`.trimEnd());
  return response.arrayBuffer();
}

/**
 * Load a model saved by `saveModel` from URLs: the JSON at `jsonUrl`, then the weights file its
 * manifest names, resolved against `jsonUrl` (so both are served from the same folder, as
 * `saveModel` writes them). Relative URLs resolve against `options.base` (in a page, pass
 * `location.href`). Uses the global `fetch` unless `options.fetch` is given.
 */
export async function loadModelFromUrl<M extends Module = Module>(jsonUrl: string | URL, options: { fetch?: FetchLike; base?: string } = {}): Promise<LoadedModel<M>> {
  const where = 'loadModelFromUrl';
  const fetcher = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
  if (!fetcher) throw new Error(`${where}: this runtime has no global fetch; pass options.fetch`);
  const url = new URL(String(jsonUrl), options.base).href;
  const doc = parseModelJSON(where, url, new Uint8Array(await fetchBytes(where, fetcher, url, 'model JSON')));
  const weightsPath = doc.weightsManifest[0]?.paths[0];
  if (!weightsPath) throw new Error(`${where}: ${url} names no weights file in its weightsManifest`);
  const weightsUrl = new URL(weightsPath, url).href;
  const weights = await fetchBytes(where, fetcher, weightsUrl, 'weights file');
  return moduleFromDocument<M>(where, url, doc, weights);
}
