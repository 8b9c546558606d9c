/**
 * Loading a saved flowsbi model (JSON document + weights file named in its manifest, beside it)
 * from URLs. Until the package restructuring (issue 10) brings `loadModelFromUrl(jsonUrl)` to the
 * root entry, this is the pages' one copy of that logic; afterwards it becomes a call to it.
 */
import { deserializeModule, type Json, type Module } from '../../src/index.js';

/** A module rebuilt from its files, with the metadata stored beside it. */
export interface LoadedModel<M extends Module> {
  module: M;
  metadata: { [key: string]: Json };
}

/** Fetch a saved model; `jsonUrl` may be relative to the page. Errors name the URL that failed. */
export async function fetchSavedModel<M extends Module>(jsonUrl: string): Promise<LoadedModel<M>> {
  const where = 'fetchSavedModel';
  const absolute = new URL(jsonUrl, location.href);
  const jsonResponse = await fetch(absolute);
  if (!jsonResponse.ok) throw new Error(`${where}: ${absolute} answered ${jsonResponse.status} ${jsonResponse.statusText}`);
  const json = (await jsonResponse.json()) as { weightsManifest?: { paths: string[] }[]; metadata?: { [key: string]: Json } };
  const weightsPath = json.weightsManifest?.[0]?.paths?.[0];
  if (!weightsPath) throw new Error(`${where}: ${absolute} names no weights file in its weightsManifest`);
  const weightsUrl = new URL(weightsPath, absolute);
  const weightsResponse = await fetch(weightsUrl);
  if (!weightsResponse.ok) throw new Error(`${where}: ${weightsUrl} answered ${weightsResponse.status} ${weightsResponse.statusText}`);
  return { module: deserializeModule<M>(json, await weightsResponse.arrayBuffer()), metadata: json.metadata ?? {} };
}
