/**
 * Read access to tensor memory on the backends that keep it in JavaScript-visible arrays: the
 * wasm heap (`typedArrayFromHeap`) and the cpu backend's typed arrays, so that the optimiser can
 * read gradients and weights without copies or kernels. Other backends (tfjs-node, webgl)
 * return null and callers fall back to tensor ops. Never write through these views: the wasm
 * backend caches matrices packed for XNNPACK by tensor id and would not see the change.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendLike {
  typedArrayFromHeap(info: { shape: number[]; dtype: string; dataId: object }): Float32Array;
}
interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
}

/** Whether the current backend exposes tensor memory as typed arrays. */
export function hasDirectMemory(): boolean {
  const name = tf.getBackend();
  return name === 'wasm' || name === 'cpu';
}

/**
 * A Float32Array aliasing the tensor's memory (read only, see above), or null when the backend
 * does not allow it. On wasm the view is only valid until the heap grows: take a new
 * one for every use, never keep it across tensor operations.
 */
export function memoryView(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || t.isDisposed) return null;
  const name = tf.getBackend();
  if (name === 'wasm') {
    return (tf.backend() as unknown as WasmBackendLike).typedArrayFromHeap({ shape: t.shape, dtype: t.dtype, dataId: t.dataId });
  }
  if (name === 'cpu') {
    const values = (tf.backend() as unknown as CpuBackendLike).data.get(t.dataId)?.values;
    return values instanceof Float32Array && values.length === t.size ? values : null;
  }
  return null;
}

/**
 * The tensor's float32 values: a view of its memory where the backend allows it (read only, use
 * at once: see {@link memoryView}), else a copy (`dataSync`).
 */
export function readValues(t: tf.Tensor): Float32Array {
  return memoryView(t) ?? (t.dataSync() as Float32Array);
}
