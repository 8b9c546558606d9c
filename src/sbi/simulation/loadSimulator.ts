/**
 * Rebuild a simulator from a {@link SimulatorModuleRef} (module URL + export name + options):
 * how worker threads get a simulator, since functions cannot be sent to them.
 */
import { isSimulator, type Simulator, type SimulatorModuleRef } from './simulator.js';

async function importModule(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    // From TypeScript sources (tsx, vitest) a compiled-style `.js` URL names a `.ts` file.
    const code = (error as { code?: string }).code;
    if (url.endsWith('.js') && (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(String(error)))) {
      try {
        return (await import(url.slice(0, -3) + '.ts')) as Record<string, unknown>;
      } catch {
        // Report the original error below.
      }
    }
    throw new Error(`loadSimulator: cannot import module ${url}: ${(error as Error).message ?? error}`);
  }
}

/**
 * Import `ref.module` and build the simulator from its export `ref.export`: a {@link Simulator}
 * object (then `ref.options` must be undefined), a factory function `(options) => Simulator`, or a
 * class with a `simulate` method (`new C(options)`).
 */
export async function loadSimulator(ref: SimulatorModuleRef): Promise<Simulator> {
  if (typeof ref?.module !== 'string' || typeof ref.export !== 'string') {
    throw new Error(`loadSimulator: expected { module: string (URL), export: string, options? }; received ${JSON.stringify(ref)}`);
  }
  const mod = await importModule(ref.module);
  const exported = mod[ref.export];
  let simulator: unknown;
  if (typeof exported === 'function') {
    const proto = (exported as { prototype?: { simulate?: unknown } }).prototype;
    simulator = typeof proto?.simulate === 'function'
      ? new (exported as new (o: unknown) => unknown)(ref.options)
      : (exported as (o: unknown) => unknown)(ref.options);
  } else {
    if (ref.options !== undefined) {
      throw new Error(`loadSimulator: export '${ref.export}' of ${ref.module} is not a factory, so options cannot be applied; received options ${JSON.stringify(ref.options)}`);
    }
    simulator = exported;
  }
  if (!isSimulator(simulator)) {
    throw new Error(
      `loadSimulator: export '${ref.export}' of ${ref.module} must be a Simulator, a factory returning one, or a Simulator class; received ${exported === undefined ? 'no such export' : typeof exported}`,
    );
  }
  return simulator;
}
