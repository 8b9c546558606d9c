/**
 * Architecture configs: a module describes itself as plain JSON ({@link ModuleConfig}) and a
 * registry rebuilds it from that description. Saving stores the config beside the weights;
 * loading rebuilds the module from the config, then assigns the weights. Every built-in bijector,
 * distribution and layer registers itself; user classes call {@link registerModule} once.
 */
import type { Module } from '../module.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A module's architecture: its registered type name and its constructor options, as JSON. */
export interface ModuleConfig {
  type: string;
  [key: string]: Json;
}

type Factory = (config: ModuleConfig) => Module;
const factories = new Map<string, Factory>();

/** Register how to rebuild modules of `type` from their config. */
export function registerModule(type: string, factory: Factory): void {
  factories.set(type, factory);
}

/** Rebuild a module from its config (weights freshly initialised; loading assigns them). */
export function moduleFromConfig<M extends Module = Module>(config: ModuleConfig): M {
  if (!config || typeof config !== 'object' || typeof config.type !== 'string') {
    throw new Error(`moduleFromConfig: expected an object with a string "type"; received ${JSON.stringify(config)?.slice(0, 80)}`);
  }
  const factory = factories.get(config.type);
  if (!factory) {
    throw new Error(
      `moduleFromConfig: unknown module type "${config.type}"; known types: ${[...factories.keys()].sort().join(', ')}. ` +
        'A custom class must call registerModule before loading.',
    );
  }
  return factory(config) as M;
}

/** The registered type names. */
export function registeredTypes(): string[] {
  return [...factories.keys()].sort();
}
