/**
 * npm run bench:spline-roundtrip: the round-trip table of issue 12. For NSF flows (coupling and
 * autoregressive, dims 1-6, with and without a context) whose every trainable variable got
 * N(0, s^2) noise, map 200 standard-normal draws forward and back (with a random standard-normal
 * context when conditional) and report, per weight-noise level s, the worst
 * max |inverse(forward(z)) - z| over 20 seeds and the most rows (of 200) off by more than 1e-3 in
 * one flow. Flows as in the issue: 3 transforms, hidden [16, 16], the default spline.
 * `--quick`: 4 seeds.
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend/index.js';
import { nsf } from '../src/flows/nsf.js';
import { Random } from '../src/random.js';

const quick = process.argv.includes('--quick');
const SEEDS = quick ? 4 : 20;
const DRAWS = 200;
const NOISE = [0.1, 0.2, 0.3, 0.5];
const OFF = 1e-3;
await ready();

interface Row {
  worst: number;
  worstRows: number;
  at: string;
}

function run(coupling: boolean, dim: number, contextDim: number, s: number, seed: number): { maxErr: number; rowsOff: number } {
  const flow = nsf({ dim, contextDim, coupling, transforms: 3, hidden: [16, 16], seed });
  const r = new Random(seed + 1000);
  for (const v of flow.trainableVariables()) {
    tf.tidy(() => v.assign(tf.add(v, tf.mul(s, tf.randomNormal(v.shape, 0, 1, 'float32', r.nextSeed())))));
  }
  const result = tf.tidy(() => {
    const z = tf.randomNormal([DRAWS, dim], 0, 1, 'float32', r.nextSeed()) as tf.Tensor2D;
    const c = contextDim > 0 ? (tf.randomNormal([DRAWS, contextDim], 0, 1, 'float32', r.nextSeed()) as tf.Tensor2D) : undefined;
    const x = flow.bijector.forward(z, c).out;
    const back = flow.bijector.inverse(x, c).out;
    // NaN counts as off: max over rows of the row's worst coordinate error.
    const err = tf.max(tf.abs(tf.sub(back, z)), 1).dataSync();
    return Array.from(err);
  });
  flow.dispose();
  let maxErr = 0;
  let rowsOff = 0;
  for (const e of result) {
    if (!(e <= OFF)) rowsOff++;
    maxErr = Number.isNaN(e) ? Infinity : Math.max(maxErr, e);
  }
  return { maxErr, rowsOff };
}

const t0 = performance.now();
console.log(`NSF round trips after weight noise: ${SEEDS} seeds x ${DRAWS} draws, 3 transforms, hidden [16, 16]`);
console.log('| layers | context | s | worst max abs(inverse(forward(z)) - z) | rows off by > 1e-3 (worst flow) | where |');
console.log('|---|---|---|---|---|---|');
let failed = false;
for (const coupling of [true, false]) {
  for (const contextDim of [0, 1]) {
    for (const s of NOISE) {
      const row: Row = { worst: 0, worstRows: 0, at: '' };
      for (let dim = 1; dim <= 6; dim++) {
        for (let seed = 0; seed < SEEDS; seed++) {
          const { maxErr, rowsOff } = run(coupling, dim, contextDim, s, 100 * dim + seed);
          if (maxErr > row.worst || rowsOff > row.worstRows) row.at = `dim ${dim}, seed ${100 * dim + seed}`;
          row.worst = Math.max(row.worst, maxErr);
          row.worstRows = Math.max(row.worstRows, rowsOff);
        }
      }
      if (row.worstRows > 0) failed = true;
      console.log(`| ${coupling ? 'coupling' : 'autoregressive'} | ${contextDim > 0 ? 'yes' : 'no'} | ${s} | ${row.worst.toExponential(1)} | ${row.worstRows} of ${DRAWS} | ${row.at} |`);
    }
  }
}
console.log(`${failed ? 'FAIL' : 'PASS'}: rows off by more than ${OFF} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
