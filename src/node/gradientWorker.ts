/**
 * Helper-thread entry of `dataParallel`: rebuilds the model and its loss, reports ready, then for
 * every request loads the weights and rows from shared memory, computes the gradient of the mean
 * loss on those rows and writes it back (see dataParallel.ts for the layout). Any error is written
 * to the shared error buffer, where the training thread reads it.
 */
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '../index.js'; // registers every core module type and worker loss
import { ready } from '../backend/index.js';
import type { BackendName } from '../backend/index.js';
import { deserializeModule } from '../io/format.js';
import { workerLoss } from '../train/gradientWorkers.js';
import { withoutValidation } from '../validation.js';
import { CONTROL, STATUS, type GradientWorkerData } from './dataParallel.js';

const data = workerData as GradientWorkerData;
const control = new Int32Array(data.control);

function fail(error: unknown): void {
  const bytes = new TextEncoder().encode(error instanceof Error ? (error.stack ?? error.message) : String(error));
  const out = new Uint8Array(data.error);
  const n = Math.min(bytes.length, out.length);
  out.set(bytes.subarray(0, n));
  Atomics.store(control, CONTROL.errorLength, n);
  Atomics.store(control, CONTROL.status, STATUS.failed);
  Atomics.notify(control, CONTROL.status);
  Atomics.notify(control, CONTROL.done);
}

try {
  await ready({ quiet: true, ...(data.backend ? { backend: data.backend as BackendName } : {}) });
  const model = deserializeModule(data.json, data.weights);
  model.train(true);
  const variables = model.trainableVariables();
  const loss = workerLoss(data.loss);
  const parameters = new Float32Array(data.parameters);
  const batch = new Float32Array(data.batch);
  const gradient = new Float32Array(data.gradient);
  const size = variables.reduce((s, v) => s + v.size, 0);
  Atomics.store(control, CONTROL.status, STATUS.ready);
  Atomics.notify(control, CONTROL.status);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.request, seen);
    const request = Atomics.load(control, CONTROL.request);
    if (request === seen) continue;
    seen = request;
    if (Atomics.load(control, CONTROL.stop) === 1) break;
    const rows = Atomics.load(control, CONTROL.rows);
    withoutValidation(() =>
      tf.tidy(() => {
        let offset = 0;
        for (const v of variables) {
          v.assign(tf.tensor(parameters.slice(offset, offset + v.size), v.shape));
          offset += v.size;
        }
        let at = 0;
        const columns = data.widths.map((w) => {
          const t = tf.tensor2d(batch.slice(at, at + rows * w), [rows, w]);
          at += data.maxRows * w;
          return t;
        });
        const { value, grads } = tf.variableGrads(() => loss(model, columns), variables);
        const values = variables.map((v) => grads[v.name].dataSync());
        let o = 0;
        for (const g of values) {
          gradient.set(g, o);
          o += g.length;
        }
        gradient[size] = value.dataSync()[0];
      }),
    );
    Atomics.store(control, CONTROL.done, request);
    Atomics.notify(control, CONTROL.done);
  }
} catch (error) {
  fail(error);
}
