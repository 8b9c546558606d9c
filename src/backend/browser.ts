/**
 * The browser-only steps of backend selection (see `index.ts` for the order of preference):
 * telling the wasm backend where its `.wasm` files are served, and checking WebGPU before trying
 * it. Nothing here runs in Node unless a caller passes `wasmPaths` there.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/**
 * A URL prefix ending in `/` under which the three `.wasm` files of tfjs-backend-wasm are served,
 * or a map from each file name to its URL (what a bundler's asset URLs give).
 */
export type WasmPaths = string | Record<string, string>;

/** The file names that a {@link WasmPaths} map must cover. */
export const WASM_FILE_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** Pass the locations to tfjs-backend-wasm; must run before the wasm backend initialises. */
export function configureWasmPaths(paths: WasmPaths): void {
  if (typeof paths === 'string') {
    if (!paths.endsWith('/')) throw new Error(`initBackend: wasmPaths as a prefix must end with "/"; received "${paths}"`);
  } else {
    const missing = WASM_FILE_NAMES.filter((name) => typeof paths[name] !== 'string');
    if (missing.length) throw new Error(`initBackend: wasmPaths must map ${WASM_FILE_NAMES.join(', ')} to URLs; missing ${missing.join(', ')}`);
  }
  setWasmPaths(paths);
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/**
 * Null when WebGPU can be tried: the runtime has `navigator.gpu` with an adapter and the webgpu
 * backend is registered (loading it with `importWebGPU` when it is not yet). Otherwise the reason.
 */
export async function tryWebGPU(importWebGPU?: () => Promise<unknown>): Promise<string | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return 'this runtime has no WebGPU (navigator.gpu is undefined)';
  if (!(await gpu.requestAdapter())) return 'navigator.gpu.requestAdapter() found no adapter';
  if (!tf.findBackendFactory('webgpu')) {
    if (!importWebGPU) return '@tensorflow/tfjs-backend-webgpu is not loaded (pass importWebGPU to initBackend)';
    await importWebGPU();
    if (!tf.findBackendFactory('webgpu')) return '@tensorflow/tfjs-backend-webgpu did not register a backend';
  }
  return null;
}

/**
 * The WebGL renderer's name when it is a software rasterizer (SwiftShader, llvmpipe, ...), which
 * browsers fall back to without a usable GPU; null for a hardware renderer or no WebGL. Measured in
 * headless Chromium on SwiftShader (`npm run bench:browser`): a MAF training step took 271 ms of
 * CPU on webgl against 20 ms on wasm, so automatic selection skips such a renderer.
 */
export function softwareWebGLRenderer(): string | null {
  const doc = (globalThis as { document?: { createElement(tag: 'canvas'): HTMLCanvasElement } }).document;
  if (!doc) return null;
  const canvas = doc.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name) ? name : null;
}
