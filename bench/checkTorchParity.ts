/**
 * Checks that the PyTorch references (bench/torch/flows.py) compute what flowsbi computes, so
 * that benchmark ratios compare the same computation.
 *
 *   node --import tsx bench/checkTorchParity.ts
 *
 * Builds our conditional MAF and autoregressive NSF (dim 3, context 13, hidden [64, 64], 5
 * transforms, seed 1), exports their weights, a batch of inputs and contexts, our
 * log-probabilities, our gradients of -mean log q and a sampling-direction pass to a temporary JSON
 * file, and has bench/torch/check_logprob.py load the weights into the PyTorch flows and compare.
 * Exits with 1 when they disagree, 0 when they agree or PyTorch is absent (with a note).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ready } from '../src/backend/index.js';
import { maf } from '../src/flows/builders.js';
import { nsf } from '../src/flows/nsf.js';
import type { Flow } from '../src/flows/flow.js';
import { runPython, torchAvailable, TORCH_SCRIPT_DIR } from './torchReference.js';

const OPTIONS = { dim: 3, contextDim: 13, hidden: [64, 64], transforms: 5, seed: 1 };
const ROWS = 256;
/** Tolerances on the float32 comparison (log-densities are O(1-10)). */
const LOGPROB_TOL = 1e-3;
const GRAD_REL_TOL = 1e-3;
const SAMPLE_TOL = 1e-3;

interface Exported {
  shape: number[];
  values: number[];
}

function exportTensor(t: tf.Tensor): Exported {
  return { shape: t.shape, values: Array.from(t.dataSync()) };
}

function exportFlow(kind: 'maf' | 'nsf', flow: Flow) {
  const named = flow.namedVariables();
  const variables: Record<string, Exported> = {};
  for (const [name, v] of named) variables[name] = exportTensor(v);
  // Inputs: mostly N(0, 1), every fourth row N(0, 3^2) so that some values leave the spline's
  // [-5, 5] and the linear tails are exercised too.
  const theta = tf.tidy(() => {
    const scale = tf.tensor2d(Array.from({ length: ROWS }, (_, i) => (i % 4 === 3 ? 3 : 1)), [ROWS, 1]);
    return tf.mul(tf.randomNormal([ROWS, OPTIONS.dim], 0, 1, 'float32', 11), scale) as tf.Tensor2D;
  });
  const context = tf.randomNormal([ROWS, OPTIONS.contextDim], 0, 1, 'float32', 12) as tf.Tensor2D;
  const z = tf.randomNormal([ROWS, OPTIONS.dim], 0, 1, 'float32', 13) as tf.Tensor2D;
  const logProb = flow.logProb(theta, context);
  const trainable = flow.trainableVariables();
  const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(flow.logProb(theta, context))) as tf.Scalar, trainable);
  const gradsByName: Record<string, Exported> = {};
  for (const [name, v] of named) if (grads[v.name]) gradsByName[name] = exportTensor(grads[v.name]);
  const forward = flow.bijector.forward(z, context);
  const out = {
    kind,
    options: { ...OPTIONS, bins: 8, bound: 5 },
    variables,
    theta: exportTensor(theta),
    context: exportTensor(context),
    logProb: exportTensor(logProb),
    loss: value.dataSync()[0],
    grads: gradsByName,
    z: exportTensor(z),
    forward: exportTensor(forward.out),
    forwardLogDet: exportTensor(forward.logDet),
  };
  tf.dispose([theta, context, z, logProb, value, forward.out, forward.logDet, ...Object.values(grads)]);
  return out;
}

interface Diffs {
  logprob_max_abs_diff: number;
  grad_max_abs_diff: number;
  grad_max_abs: number;
  sample_max_abs_diff: number;
  sample_logdet_max_abs_diff: number;
}

interface CaseResult {
  kind: string;
  rows: number;
  float32: Diffs;
  float64: Diffs;
  logprob_range: [number, number];
  theta_outside_bound: number;
}

/**
 * Compare flowsbi's MAF and NSF with the PyTorch references and print the differences; true when
 * they agree, or when PyTorch is absent (nothing to compare, with a note).
 */
export async function checkTorchParity(): Promise<boolean> {
  const backend = await ready({ quiet: true });
  if (!(await torchAvailable())) {
    console.log('checkTorchParity: PyTorch is not available; nothing checked.');
    return true;
  }
  const flows: ['maf' | 'nsf', Flow][] = [
    ['maf', maf(OPTIONS)],
    ['nsf', nsf(OPTIONS)],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'flowsbi-parity-'));
  const file = join(dir, 'export.json');
  try {
    writeFileSync(file, JSON.stringify({ cases: flows.map(([kind, flow]) => exportFlow(kind, flow)) }));
    flows.forEach(([, flow]) => flow.dispose());
    const r = await runPython([join(TORCH_SCRIPT_DIR, 'check_logprob.py'), file]);
    if (r.code !== 0) throw new Error(`check_logprob.py failed (exit ${r.code}):\n${r.stderr.trim()}`);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as { torch: string; results: CaseResult[] };
    console.log(`flowsbi (${backend}) vs PyTorch ${report.torch}, ${ROWS} rows, dim 3, context 13, hidden [64, 64], 5 transforms`);
    let ok = true;
    for (const c of report.results) {
      const f = c.float32;
      const gradRel = f.grad_max_abs_diff / Math.max(f.grad_max_abs, 1e-12);
      console.log(
        `${c.kind}: max |Δ log q| = ${f.logprob_max_abs_diff.toExponential(2)} (float64 torch: ${c.float64.logprob_max_abs_diff.toExponential(2)}), ` +
          `log q in [${c.logprob_range.map((v) => v.toFixed(2)).join(', ')}], ${c.theta_outside_bound} inputs outside ±5; ` +
          `max |Δ grad| = ${f.grad_max_abs_diff.toExponential(2)} (max |grad| ${f.grad_max_abs.toExponential(2)}); ` +
          `sampling pass max |Δ x| = ${f.sample_max_abs_diff.toExponential(2)}, |Δ log det| = ${f.sample_logdet_max_abs_diff.toExponential(2)}`,
      );
      if (!(f.logprob_max_abs_diff < LOGPROB_TOL && gradRel < GRAD_REL_TOL && f.sample_max_abs_diff < SAMPLE_TOL)) ok = false;
    }
    console.log(ok ? 'parity: OK' : 'parity: MISMATCH');
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!(await checkTorchParity())) process.exitCode = 1;
}
