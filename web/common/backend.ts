/**
 * The pages' backend start-up: the library's own selection (WebGPU, WebGL, then wasm with its fast
 * paths, then cpu), with the wasm binaries served as assets of this site, WebGPU's package loaded
 * only where the browser has WebGPU, and `?backend=wasm` (or webgl, webgpu, cpu) in the page URL to
 * force one (the tests force wasm to compare with Node).
 */
import { initBackend, parseBackendName, type BackendChoice } from '../../src/index.js';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Initialise the backend (once per page) and write its name into `#backend` when present. */
export async function startBackend(): Promise<BackendChoice> {
  const requested = new URLSearchParams(location.search).get('backend');
  const choice = await initBackend({
    backend: requested ? parseBackendName(requested, 'the page parameter ?backend=') : undefined,
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
    },
    importWebGPU: () => import('@tensorflow/tfjs-backend-webgpu'),
  });
  const label = document.getElementById('backend');
  if (label) {
    const skipped = choice.skipped.map((s) => `${s.name}: ${s.error}`).join('; ');
    label.textContent = choice.name;
    label.title = skipped ? `skipped: ${skipped}` : choice.reason === 'auto' ? 'first choice' : 'forced by ?backend=';
  }
  return choice;
}

/** Show an error in the page's `#error` box (and keep it out of the console as an uncaught error). */
export function showError(error: unknown): void {
  const box = document.getElementById('error');
  const message = error instanceof Error ? error.message : String(error);
  if (box) {
    box.textContent = message;
    box.hidden = false;
  }
}

/** Hide the `#error` box. */
export function clearError(): void {
  const box = document.getElementById('error');
  if (box) {
    box.textContent = '';
    box.hidden = true;
  }
}

/** Give the browser a turn (events, painting) between chunks of work. */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
