/**
 * Copies that share memory on the wasm backend.
 *
 * TF.js clones every tensor a gradient needs (`saveTensorsForBackwardMode`, the `save` of
 * `tf.customGrad`) through the `Identity` kernel, and gradient accumulation casts float32 to
 * float32. The cpu and webgl backends implement both as a new reference to the same data; the
 * wasm backend copies the buffer (malloc + memcpy), about 70 copies per MAF training step. Wasm
 * kernels never write into their inputs (the backend's own `Reshape` shares data the same way),
 * so the replacements below return the input's data with its reference count raised.
 */
import * as tf from '@tensorflow/tfjs';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

type KernelArgs = { inputs: { x: tf.TensorInfo }; backend: unknown; attrs: { dtype?: tf.DataType } };

function shared(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function replace(name: string, wrap: (original: tf.KernelFunc) => (args: KernelArgs) => tf.TensorInfo): void {
  const original = tf.getKernel(name, 'wasm')!;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) as unknown as tf.KernelFunc });
}

let installed = false;

/** Replace wasm `Identity` and same-dtype `Cast` by shared references. Idempotent. */
export function installWasmSharedCopies(): boolean {
  if (installed) return true;
  if (!tf.getKernel('Identity', 'wasm') || !tf.getKernel('Cast', 'wasm')) return false;
  replace('Identity', (original) => (args) =>
    args.inputs.x.dtype === 'string' ? (original(args as never) as tf.TensorInfo) : shared(args.inputs.x, args.backend),
  );
  replace('Cast', (original) => (args) =>
    args.attrs.dtype === args.inputs.x.dtype && args.inputs.x.dtype !== 'string'
      ? shared(args.inputs.x, args.backend)
      : (original(args as never) as tf.TensorInfo),
  );
  installed = true;
  return true;
}
