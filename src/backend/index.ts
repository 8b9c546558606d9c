/**
 * Compute backend selection, in one place, for Node and for browsers.
 *
 * Order of preference in Node when nothing is forced:
 *   1. `tensorflow` from `@tensorflow/tfjs-node` (native libtensorflow), when the user installed it:
 *      an optional peer dependency, loaded by a dynamic import that tolerates its absence;
 *   2. `wasm` from `@tensorflow/tfjs-backend-wasm` (SIMD), the default in Node;
 *   3. `cpu`, the pure-JavaScript fallback that always works.
 * In a browser: `webgpu` (when the browser has WebGPU and the page supplies
 * `@tensorflow/tfjs-backend-webgpu` through `importWebGPU`), then `webgl` (unless its renderer is
 * a software rasterizer such as SwiftShader, much slower than wasm), then `wasm` with the
 * library's fast paths (its `.wasm` files must be served: pass their URLs as `wasmPaths`), then `cpu`.
 *
 * A backend can be forced with {@link initBackend}`({ backend })` or, in Node, with the environment
 * variable `FLOWSBI_BACKEND`. The choice is reported once (stderr in Node, `console.info` in a
 * browser) unless `quiet` is set or `FLOWSBI_QUIET=1`.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmFastPaths } from './wasmMatMul.js';
import { configureWasmPaths, softwareWebGLRenderer, tryWebGPU, type WasmPaths } from './browser.js';

export { WASM_FILE_NAMES, type WasmPaths } from './browser.js';

export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Every backend name, in no particular order of preference. */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

export const BACKEND_ENV_VAR = 'FLOWSBI_BACKEND';
const NATIVE_PACKAGE = '@tensorflow/tfjs-node';

export interface InitBackendOptions {
  /** Force a backend; otherwise `FLOWSBI_BACKEND`, otherwise the preference order above. */
  backend?: BackendName;
  /** Do not print the chosen backend. */
  quiet?: boolean;
  /**
   * Loads the native package. Tests replace it to simulate an installed or absent
   * `@tensorflow/tfjs-node`; the default is a dynamic import.
   */
  importNative?: () => Promise<unknown>;
  /** Install the fast wasm matmul kernels (default true; see `wasmMatMul.ts`). */
  wasmFastPaths?: boolean;
  /**
   * Where the wasm backend finds its `.wasm` files (`setWasmPaths` of tfjs-backend-wasm): a URL
   * prefix ending in `/`, or a map from file name (`tfjs-backend-wasm.wasm`,
   * `tfjs-backend-wasm-simd.wasm`, `tfjs-backend-wasm-threaded-simd.wasm`) to URL. Needed in a
   * browser, where the bundled backend cannot locate them itself; Node finds them in node_modules.
   */
  wasmPaths?: WasmPaths;
  /**
   * Loads `@tensorflow/tfjs-backend-webgpu` (e.g. `() => import('@tensorflow/tfjs-backend-webgpu')`),
   * called only in a browser that has WebGPU, so that pages without it never download the package.
   */
  importWebGPU?: () => Promise<unknown>;
}

export interface BackendChoice {
  name: BackendName;
  /** Why this one: forced by the API, by the environment, or automatic. */
  reason: 'option' | 'environment' | 'auto';
  /** Backends that were tried first and failed, with the reason. */
  skipped: { name: BackendName; error: string }[];
}

let current: BackendChoice | undefined;
let reported = false;

function defaultImportNative(): Promise<unknown> {
  // A variable specifier keeps bundlers and the type checker from requiring the package.
  const specifier = NATIVE_PACKAGE;
  return import(/* @vite-ignore */ specifier);
}

function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node;
}

/** A backend name from user input (case and spaces ignored; `native` and `node` mean `tensorflow`). */
export function parseBackendName(value: string, source: string): BackendName {
  const v = value.trim().toLowerCase();
  if (v === 'native' || v === 'node') return 'tensorflow';
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(
    `initBackend: ${source} must be one of ${BACKEND_NAMES.map((n) => `"${n}"`).join(', ')}; received "${value}"`,
  );
}

async function tryBackend(name: BackendName, options: InitBackendOptions, forced: boolean): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      if (!isNode()) return 'not running in Node';
      await (options.importNative ?? defaultImportNative)();
      if (!tf.findBackendFactory('tensorflow')) return `${NATIVE_PACKAGE} did not register a backend`;
    }
    if (name === 'webgpu') {
      const missing = await tryWebGPU(options.importWebGPU);
      if (missing) return missing;
    }
    if (name === 'webgl' && isNode()) return 'WebGL needs a browser';
    if (name === 'webgl' && !forced) {
      const software = softwareWebGLRenderer();
      if (software) return `software WebGL (${software}), slower than wasm`;
    }
    if (name === 'wasm' && options.wasmPaths !== undefined) configureWasmPaths(options.wasmPaths);
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend("${name}") returned false`;
    await tf.ready();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

/**
 * Choose and initialise the compute backend. Idempotent: later calls without a forced backend
 * return the first choice. Call (and await) it once before using the library; {@link ready} is
 * the short form.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const envValue = isNode() ? process.env[BACKEND_ENV_VAR] : undefined;
  let forced: BackendName | undefined;
  let reason: BackendChoice['reason'] = 'auto';
  if (options.backend) {
    forced = parseBackendName(options.backend, 'options.backend');
    reason = 'option';
  } else if (envValue) {
    forced = parseBackendName(envValue, `the environment variable ${BACKEND_ENV_VAR}`);
    reason = 'environment';
  }
  if (current && (!forced || forced === current.name)) return current;

  const automatic: BackendName[] = isNode() ? ['tensorflow', 'wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
  const order: BackendName[] = forced ? [forced] : automatic;
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    const error = await tryBackend(name, options, forced !== undefined);
    if (error === null) {
      if (name === 'wasm' && options.wasmFastPaths !== false) installWasmFastPaths();
      current = { name, reason, skipped };
      report(current, options.quiet);
      return current;
    }
    skipped.push({ name, error });
  }
  const detail = skipped.map((s) => `${s.name}: ${s.error}`).join('; ');
  throw new Error(`initBackend: no backend could be initialised (${detail})`);
}

function report(choice: BackendChoice, quiet?: boolean): void {
  const envQuiet = isNode() && process.env.FLOWSBI_QUIET === '1';
  if (reported || quiet || envQuiet) return;
  reported = true;
  const why =
    choice.reason === 'auto'
      ? choice.skipped.length
        ? ` (${choice.skipped.map((s) => `${s.name} unavailable`).join(', ')})`
        : ''
      : ` (forced by ${choice.reason === 'option' ? 'initBackend' : BACKEND_ENV_VAR})`;
  const message = `flowsbi: using the ${choice.name} backend${why}`;
  if (isNode()) process.stderr.write(message + '\n');
  else console.info(message);
}

/** Initialise the backend with defaults; resolves to its name. */
export async function ready(options: InitBackendOptions = {}): Promise<BackendName> {
  return (await initBackend(options)).name;
}

/** The backend chosen by {@link initBackend}, or undefined before initialisation. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}

/** For tests: forget the choice so that the selection logic runs again. */
export function resetBackendChoiceForTests(): void {
  current = undefined;
  reported = false;
}
