/**
 * The worker-thread side of `simulateDataset`: start W workers on `simulateWorker`, wait until
 * each has imported the simulator, then hand out the chunks [offset, offset + chunk) of rows
 * [start, n) from a queue (a worker gets the next chunk when it returns one) and pass each result
 * to `store`.
 *
 * Locating the worker script: it sits next to this module, `simulateWorker.js` in compiled
 * output and `simulateWorker.ts` in the sources (loaded through tsx, resolved from this module's
 * location, so it does not depend on the working directory); see {@link workerSpec}.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ChunkResult } from '../sbi/simulation/runChunk.js';
import type { WorkerRun } from '../sbi/simulation/parallelRunner.js';

type Reply =
  | { type: 'ready'; thetaDim: number; outputDim: number }
  | { type: 'result'; id: number; xs: Float64Array; threw: Uint8Array; firstError?: string }
  | { type: 'error'; message: string };

/** The parent's execArgv without flags that load tsx (they are redone in the worker). */
function execArgvWithoutTsx(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/tsx/.test(a)) continue;
    if (/^--(import|require|loader|experimental-loader)$/.test(a) && /tsx/.test(argv[i + 1] ?? '')) {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** URL of tsx's ESM API (its `import` entry), resolved from this module's location. */
function tsxApiUrl(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    try {
      return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    } catch {
      throw new Error('flowsbi/node: running TypeScript sources in worker threads needs the tsx package (npm i -D tsx), or use the compiled dist/ build; tsx could not be resolved');
    }
  }
}

/**
 * How to start the worker script `name` (a module of this folder, e.g. `simulateWorker.js`).
 * Compiled: the script as is. Sources: Node 20 ignores ESM loaders given in a worker's execArgv
 * (nodejs/node#47747), so the worker is a small eval script that registers tsx's hooks in the
 * worker (`tsx/esm/api` `register()`) and then imports the `.ts` source.
 */
export function workerSpec(name: string): { script: string | URL; options: { eval?: boolean; execArgv?: string[] } } {
  const here = import.meta.url;
  if (!/\.[cm]?ts$/.test(new URL(here).pathname)) return { script: new URL(`./${name}`, here), options: {} };
  const api = JSON.stringify(tsxApiUrl());
  const entry = JSON.stringify(new URL(`./${name}`, here).href);
  const code = `import(${api}).then((tsx) => { tsx.register(); return import(${entry}); });`;
  return { script: code, options: { eval: true, execArgv: execArgvWithoutTsx() } };
}

/** Chunks queued per worker. */
const IN_FLIGHT = 2;

/** Run every chunk in workers; resolves with the start-up time in milliseconds. */
export async function runInWorkers(run: WorkerRun): Promise<number> {
  const { ref, workers, thetas, d, start, n, chunk, seed, store } = run;
  const { script, options } = workerSpec('simulateWorker.js');
  const pool: Worker[] = [];
  const t0 = performance.now();
  let startupMs = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let ready = 0;
      let next = 0;
      let finished = 0;
      const chunks = Math.ceil((n - start) / chunk);
      const dispatch = (worker: Worker): void => {
        if (next >= chunks) return;
        const id = next++;
        const offset = start + id * chunk;
        const k = Math.min(chunk, n - offset);
        const part = thetas.slice(offset * d, (offset + k) * d);
        worker.postMessage({ id, offset, n: k, seed, thetas: part }, [part.buffer]);
      };
      for (let w = 0; w < workers; w++) {
        const worker = new Worker(script, { ...options, workerData: { ref } });
        pool.push(worker);
        worker.on('error', (e) => reject(new Error(`simulateDataset: a worker failed: ${e.message}`)));
        worker.on('exit', (code) => {
          if (finished < chunks) reject(new Error(`simulateDataset: a worker exited early (code ${code})`));
        });
        worker.on('message', (reply: Reply) => {
          try {
            if (reply.type === 'error') throw new Error(`simulateDataset: in a worker: ${reply.message}`);
            if (reply.type === 'ready') {
              if (++ready === workers) {
                startupMs = performance.now() - t0;
                // Two chunks in flight per worker: it starts the next one while its last result
                // waits for this (busy, on a small machine) thread to be scheduled.
                for (let k = 0; k < IN_FLIGHT; k++) pool.forEach(dispatch);
              }
              return;
            }
            store(start + reply.id * chunk, reply);
            if (++finished === chunks) resolve();
            else dispatch(worker);
          } catch (error) {
            reject(error);
          }
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return startupMs;
}
