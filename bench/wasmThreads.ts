/**
 * Can tfjs-backend-wasm's multi-threaded build (XNNPACK's thread pool) run in Node, and does it
 * win? A measurement, not a feature: the library does not enable it (see the findings below).
 *
 *   node --import tsx bench/wasmThreads.ts            # the default SIMD build, one thread
 *   node --import tsx bench/wasmThreads.ts 2          # the threaded SIMD build, forced, 2 threads
 *
 * tfjs 4.22 reports no thread support in Node (flags_wasm.ts: "Enable node support once
 * https://github.com/tensorflow/tfjs/issues/3830 is resolved"). Forcing the flag fails: Emscripten
 * creates its pthread workers from blob: URLs, which Node's worker_threads refuse
 * (ERR_WORKER_PATH), and the worker then receives the main script as a Blob whose source refers
 * to the npm bundle's private variables (require$$0, commonjsGlobal). The shims below write the
 * scripts to files and define those variables; with them the threaded module initialises, but
 * XNNPACK's pool then reports one thread (getThreadsCount() = 1 on the 2-core machine of issue
 * 13), so there is nothing to gain and a fragile patch of two globals to lose.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';

/** Make the threaded build loadable in Node (see the file comment); returns the scripts' folder. */
function shimBlobWorkers(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-wasm-threads-'));
  const OriginalBlob = globalThis.Blob;
  const sources = new WeakMap<object, string>();
  let mainPath = '';
  let n = 0;
  class RecordingBlob extends OriginalBlob {
    constructor(parts: BlobPart[] = [], options?: BlobPropertyBag) {
      super(parts, options);
      const text = parts.map(String).join('');
      sources.set(this, text);
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        mainPath = path.join(dir, 'main.js');
        const bundleVariables = "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis;\n";
        writeFileSync(mainPath, bundleVariables + text);
      }
    }
  }
  (globalThis as { Blob: typeof Blob }).Blob = RecordingBlob;
  const originalCreate = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob: Blob) => {
    const text = sources.get(blob);
    if (text === undefined) return originalCreate(blob);
    const file = path.join(dir, `worker${n++}.js`);
    // The worker gets the main script as a Blob and would turn it into a blob: URL again.
    writeFileSync(file, `URL.createObjectURL = () => ${JSON.stringify(mainPath)};\n` + text);
    return file;
  };
  return dir;
}

const threads = Number(process.argv[2] ?? 0);
if (threads > 0) {
  shimBlobWorkers();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
}
await tf.setBackend('wasm');
await tf.ready();
console.log(`wasm build: ${threads > 0 ? `threaded, ${threads} requested` : 'SIMD, single thread'}; XNNPACK threads: ${wasm.getThreadsCount()}`);
const { installWasmFastPaths } = await import('../src/backend/wasmMatMul.js');
installWasmFastPaths();
const { maf } = await import('../src/flows/builders.js');
const { timeFlowStep, median } = await import('./flowStep.js');
const x = tf.randomNormal([512, 256]);
const w = tf.randomNormal([256, 256]);
const times: number[] = [];
for (let r = 0; r < 30; r++) {
  const t0 = performance.now();
  tf.tidy(() => tf.matMul(x, w).dataSync());
  if (r >= 5) times.push(performance.now() - t0);
}
console.log(`matMul [512,256]x[256,256]: ${median(times).toFixed(2)} ms (wall)`);
timeFlowStep({ build: maf, hidden: 64, batch: 256, steps: 100, warmup: 0 });
console.log(`MAF h64 b256 step: ${median(timeFlowStep({ build: maf, hidden: 64, batch: 256, steps: 40, warmup: 5 })).toFixed(2)} ms (wall)`);
console.log(`MAF h256 b512 step: ${median(timeFlowStep({ build: maf, hidden: 256, batch: 512, steps: 10, warmup: 3 })).toFixed(2)} ms (wall)`);
process.exit(0);
