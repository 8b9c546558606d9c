import * as tf from '@tensorflow/tfjs';
import { activate, type Activation } from './activation.js';

/**
 * The dense-layer computation y = act(sum_k x_k (W_k ⊙ M_k) + b) with a hand-written backward
 * pass (tf.customGrad), the hot spot of flow training:
 *
 *   dz = dy ⊙ act'(z)  (act' from the output y: relu 1[y>0], tanh 1-y², sigmoid y(1-y),
 *                       elu 1[y>0] + (y+1) 1[y<=0], softplus 1-e^{-y}, linear 1),
 *   dx_k = dz (W_k ⊙ M_k)ᵀ,   dW_k = (x_kᵀ dz) ⊙ M_k,   db = 1ᵀ dz (a [1, B] product, not a slow axis-0 sum).
 *
 * Under the gradient tape the whole layer is one recorded node instead of five to eight, the
 * forward uses the fused matmul+bias+activation kernel where the backend has one, and the
 * backward products take the fast (untransposed) wasm path through `backend/wasmMatMul.ts`.
 * Several inputs (e.g. a variable and a context) share one bias and one activation, which
 * replaces a concat. `setFastGradients(false)` switches to plain autodiff (tests compare both).
 */

let fastGradients = true;

/** Use the hand-written backward pass (default) or plain autodiff. */
export function setFastGradients(enabled: boolean): void {
  fastGradients = enabled;
}

/** Whether the hand-written backward pass is in use. */
export function fastGradientsEnabled(): boolean {
  return fastGradients;
}

const FUSABLE = new Set<Activation>(['linear', 'relu', 'sigmoid', 'elu']);

/** act'(z) ⊙ dy, written in terms of the output y = act(z). */
function activationBackward(dy: tf.Tensor, y: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'elu': {
      const positive = tf.step(y);
      return tf.mul(dy, tf.add(positive, tf.mul(tf.sub(1, positive), tf.add(y, 1))));
    }
    case 'softplus':
      return tf.mul(dy, tf.sub(1, tf.exp(tf.neg(y))));
  }
}

function effectiveWeight(w: tf.Tensor2D, mask: tf.Tensor2D | undefined): tf.Tensor2D {
  return mask ? (tf.mul(w, mask) as tf.Tensor2D) : w;
}

/** Forward value only (used inside the custom gradient and by the autodiff path). */
function forwardValue(
  xs: tf.Tensor2D[],
  ws: tf.Tensor2D[],
  masks: (tf.Tensor2D | undefined)[],
  bias: tf.Tensor1D,
  activation: Activation,
): tf.Tensor2D {
  const w0 = effectiveWeight(ws[0], masks[0]);
  if (xs.length === 1 && FUSABLE.has(activation)) {
    return tf.fused.matMul({ a: xs[0], b: w0, bias, activation: activation as tf.fused.Activation }) as tf.Tensor2D;
  }
  let z = tf.matMul(xs[0], w0);
  for (let k = 1; k < xs.length; k++) z = tf.add(z, tf.matMul(xs[k], effectiveWeight(ws[k], masks[k])));
  return activate(tf.add(z, bias), activation) as tf.Tensor2D;
}

/**
 * y = act(sum_k x_k (W_k ⊙ M_k) + b). xs[k]: [B, in_k], ws[k]: [in_k, out], masks[k]: fixed
 * [in_k, out] or undefined, bias: [out].
 */
export function linearKernel(
  xs: tf.Tensor2D[],
  ws: tf.Tensor2D[],
  masks: (tf.Tensor2D | undefined)[],
  bias: tf.Tensor1D,
  activation: Activation,
): tf.Tensor2D {
  if (!fastGradients) return forwardValue(xs, ws, masks, bias, activation);
  const n = xs.length;
  const layer = tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as (tensors: tf.Tensor[]) => void;
    const inputs = args.slice(0, n) as tf.Tensor2D[];
    const weights = args.slice(n, 2 * n) as tf.Tensor2D[];
    const b = args[2 * n] as tf.Tensor1D;
    const y = forwardValue(inputs, weights, masks, b, activation);
    save([...inputs, ...weights, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const ins = saved.slice(0, n) as tf.Tensor2D[];
        const wts = saved.slice(n, 2 * n) as tf.Tensor2D[];
        const out = saved[2 * n];
        const dz = activationBackward(dy, out, activation) as tf.Tensor2D;
        const dxs = ins.map((_, k) => tf.matMul(dz, effectiveWeight(wts[k], masks[k]), false, true));
        const dws = ins.map((x, k) => {
          const g = tf.matMul(x, dz, true, false);
          return masks[k] ? tf.mul(g, masks[k]!) : g;
        });
        const db = tf.reshape(tf.matMul(tf.ones([1, dz.shape[0]]), dz), [dz.shape[1]]);
        return [...dxs, ...dws, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return layer(...xs, ...ws, bias) as tf.Tensor2D;
}
