/**
 * Fast matrix products on the wasm backend.
 *
 * tfjs-backend-wasm multiplies on its fast XNNPACK path only when neither operand is transposed and
 * the product is a single 2-D matrix (batch 1 in its rank-3 form). Transposed or batched operands
 * fall back to a loop about 12x slower, and reverse-mode autodiff of every dense layer produces
 * transposed products (dA = dY B^T, dB = A^T dY). We re-register `BatchMatMul` and `_FusedMatMul`
 * with thin wrappers that materialise the transposes with the wasm `Transpose` kernel and split
 * batched products into 2-D ones, then call the original kernels with the flags off.
 * Measured effect: see `../shared/notes/tfjs-wasm.md` and `npm run bench`.
 */
import * as tf from '@tensorflow/tfjs';
import { installWasmSharedCopies } from './wasmSharedCopies.js';

type KernelFunc = (args: {
  inputs: Record<string, tf.TensorInfo | undefined>;
  backend: unknown;
  attrs: Record<string, unknown>;
}) => tf.TensorInfo;

interface WasmBackendLike {
  disposeData(dataId: object): void;
}

let installed = false;

function kernel(name: string): KernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`installWasmFastPaths: the wasm backend has no "${name}" kernel`);
  return config.kernelFunc as unknown as KernelFunc;
}

/**
 * Replace the wasm matmul kernels by the fast-path wrappers. Idempotent; a no-op when the wasm
 * backend is not registered. Returns true when the wrappers are (now) installed.
 */
export function installWasmFastPaths(): boolean {
  if (installed) return true;
  if (!tf.getKernel('BatchMatMul', 'wasm') || !tf.getKernel('_FusedMatMul', 'wasm')) return false;

  const batchMatMul = kernel('BatchMatMul');
  const fusedMatMul = kernel('_FusedMatMul');
  const transpose = kernel('Transpose');
  const reshape = kernel('Reshape');
  const slice = kernel('Slice');
  const concat = kernel('Concat');
  const fill = kernel('Fill');

  /** x with its last two axes swapped, as a new (materialised) tensor. */
  function swapLastAxes(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
    const r = x.shape.length;
    const perm = [...Array(r).keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return transpose({ inputs: { x }, backend, attrs: { perm } });
  }
  const batchOf = (x: tf.TensorInfo) => x.shape.slice(0, -2).reduce((p, d) => p * d, 1);

  function fastBatchMatMul(args: Parameters<KernelFunc>[0]): tf.TensorInfo {
    const { backend, attrs } = args;
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    const transposeA = attrs.transposeA as boolean;
    const transposeB = attrs.transposeB as boolean;
    const wasm = backend as WasmBackendLike;
    const temps: tf.TensorInfo[] = [];
    try {
      const a2 = transposeA ? swapLastAxes(a, backend) : a;
      const b2 = transposeB ? swapLastAxes(b, backend) : b;
      if (transposeA) temps.push(a2);
      if (transposeB) temps.push(b2);
      const flags = { transposeA: false, transposeB: false };
      const batchA = batchOf(a2);
      const batchB = batchOf(b2);
      const [m, k] = a2.shape.slice(-2);
      const n = b2.shape[b2.shape.length - 1];
      if (k === 0) {
        // An empty sum (e.g. the weight gradient of a batch of 0 rows) is 0. XNNPACK refuses a
        // product with k = 0 and would leave the output uninitialised.
        const shape = [...(a2.shape.length >= b2.shape.length ? a2.shape.slice(0, -2) : b2.shape.slice(0, -2)), m, n];
        return fill({ inputs: {}, backend, attrs: { shape, value: 0, dtype: 'float32' } });
      }
      if (batchA === 1 && batchB === 1) {
        return batchMatMul({ inputs: { a: a2, b: b2 }, backend, attrs: flags });
      }
      const outBatchShape = a2.shape.length >= b2.shape.length ? a2.shape.slice(0, -2) : b2.shape.slice(0, -2);
      if (batchB === 1) {
        // A batch of left operands against one right operand is a single tall 2-D product.
        const aFlat = reshape({ inputs: { x: a2 }, backend, attrs: { shape: [batchA * m, k] } });
        const bFlat = reshape({ inputs: { x: b2 }, backend, attrs: { shape: [k, n] } });
        temps.push(aFlat, bFlat);
        const out = batchMatMul({ inputs: { a: aFlat, b: bFlat }, backend, attrs: flags });
        temps.push(out);
        return reshape({ inputs: { x: out }, backend, attrs: { shape: [...outBatchShape, m, n] } });
      }
      // General batch: one fast 2-D product per batch element, then concatenated.
      const batch = Math.max(batchA, batchB);
      if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
        return batchMatMul({ inputs: { a: a2, b: b2 }, backend, attrs: flags });
      }
      const a3 = reshape({ inputs: { x: a2 }, backend, attrs: { shape: [batchA, m, k] } });
      const b3 = reshape({ inputs: { x: b2 }, backend, attrs: { shape: [batchB, k, n] } });
      temps.push(a3, b3);
      const parts: tf.TensorInfo[] = [];
      for (let i = 0; i < batch; i++) {
        const ai = slice({ inputs: { x: a3 }, backend, attrs: { begin: [batchA === 1 ? 0 : i, 0, 0], size: [1, m, k] } });
        const bi = slice({ inputs: { x: b3 }, backend, attrs: { begin: [batchB === 1 ? 0 : i, 0, 0], size: [1, k, n] } });
        temps.push(ai, bi);
        const pi = batchMatMul({ inputs: { a: ai, b: bi }, backend, attrs: flags });
        temps.push(pi);
        parts.push(pi);
      }
      const joined = concat({ inputs: parts as unknown as Record<string, tf.TensorInfo>, backend, attrs: { axis: 0 } });
      temps.push(joined);
      return reshape({ inputs: { x: joined }, backend, attrs: { shape: [...outBatchShape, m, n] } });
    } finally {
      for (const t of temps) wasm.disposeData(t.dataId);
    }
  }

  function fastFusedMatMul(args: Parameters<KernelFunc>[0]): tf.TensorInfo {
    const { backend, attrs } = args;
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    const transposeA = attrs.transposeA as boolean;
    const transposeB = attrs.transposeB as boolean;
    // 2-D operands (the wasm kernel wants rank 3) are accepted too: the library's dense layers
    // call the kernel directly with them, one dispatch instead of tf.fused.matMul's four reshapes.
    const plain = a.shape.length === 2 && b.shape.length === 2;
    // Batched fused products are rare (tf.fused.matMul on 3-D inputs); leave them as they were.
    if ((!transposeA && !transposeB && !plain) || batchOf(a) !== 1 || batchOf(b) !== 1) return fusedMatMul(args);
    const wasm = backend as WasmBackendLike;
    const temps: tf.TensorInfo[] = [];
    try {
      const a2 = transposeA ? swapLastAxes(a, backend) : a;
      const b2 = transposeB ? swapLastAxes(b, backend) : b;
      if (transposeA) temps.push(a2);
      if (transposeB) temps.push(b2);
      const flags = { ...attrs, transposeA: false, transposeB: false };
      if (!plain) return fusedMatMul({ inputs: { ...args.inputs, a: a2, b: b2 }, backend, attrs: flags });
      const [m, k] = a2.shape;
      const n = b2.shape[1];
      const a3 = reshape({ inputs: { x: a2 }, backend, attrs: { shape: [1, m, k] } });
      const b3 = reshape({ inputs: { x: b2 }, backend, attrs: { shape: [1, k, n] } });
      temps.push(a3, b3);
      const out = fusedMatMul({ inputs: { ...args.inputs, a: a3, b: b3 }, backend, attrs: flags });
      temps.push(out);
      return reshape({ inputs: { x: out }, backend, attrs: { shape: [m, n] } });
    } finally {
      for (const t of temps) wasm.disposeData(t.dataId);
    }
  }

  for (const [name, func] of [
    ['BatchMatMul', fastBatchMatMul],
    ['_FusedMatMul', fastFusedMatMul],
  ] as const) {
    const original = tf.getKernel(name, 'wasm')!;
    tf.unregisterKernel(name, 'wasm');
    // The original setup already ran when the backend initialised; keep it for re-initialisation.
    tf.registerKernel({ ...original, kernelFunc: func as unknown as tf.KernelFunc });
  }
  installWasmSharedCopies();
  installed = true;
  return true;
}

/** Whether {@link installWasmFastPaths} has replaced the kernels. */
export function wasmFastPathsInstalled(): boolean {
  return installed;
}
