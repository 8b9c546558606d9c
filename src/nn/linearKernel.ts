import * as tf from '@tensorflow/tfjs';
import { activate, type Activation } from './activation.js';
import { customOp } from './customOp.js';
import { wasmFastPathsInstalled } from '../backend/wasmMatMul.js';

/**
 * The dense-layer computation, the hot spot of flow and VAE training: a chain of layers
 *
 *   h_0 = act_0(sum_k x_k (W_0k ⊙ M_0k) + b_0),   h_l = act_l(h_{l-1} (W_l ⊙ M_l) + b_l),
 *
 * as ONE node of the gradient tape with a hand-written backward pass:
 *
 *   dz_l = dh_l ⊙ act'(z_l)  (act' from the output h: relu 1[h>0], tanh 1-h², sigmoid h(1-h),
 *                             elu 1[h>0] + (h+1) 1[h<=0], softplus 1-e^{-h}, linear 1),
 *   dh_{l-1} = dz_l (W_l ⊙ M_l)ᵀ,   dW_l = (h_{l-1}ᵀ dz_l) ⊙ M_l,   db_l = 1ᵀ dz_l (a [1, B] product,
 *   not a slow axis-0 sum),   dx_k = dz_0 (W_0k ⊙ M_0k)ᵀ.
 *
 * Why one node for the chain: every tape node costs its kernels plus a recorded clone of each
 * input and output it keeps (about 17 us per recorded kernel on wasm against 3 us for a plain
 * one); the masked weights W ⊙ M are formed once per pass and reused by the backward pass; the
 * input gradients dx_k are computed only when the loss needs them ({@link customOp}), so a first
 * layer that reads data (a VAE encoder's 784 pixels, a flow's context) skips its largest product.
 * The forward uses the fused matmul+bias+activation kernel where the backend has one, and the
 * backward products take the fast (untransposed) wasm path through `backend/wasmMatMul.ts`.
 * `setFastGradients(false)` switches to plain autodiff (tests compare both).
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

/** One layer's parameters: a kernel (and optional fixed 0/1 mask) per input, a bias, an activation. */
export interface LinearLayerParams {
  readonly kernels: readonly tf.Tensor2D[];
  readonly masks: readonly (tf.Tensor2D | undefined)[];
  readonly bias: tf.Tensor1D;
  readonly activation: Activation;
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

/**
 * act(a b + bias) for 2-D a, b: one dispatch of the wasm fused kernel (its wrapper accepts 2-D
 * operands), else `tf.fused.matMul` where the activation fuses, else three ops.
 */
function fusedProduct(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  if (!FUSABLE.has(activation)) return activate(tf.add(tf.matMul(a, b), bias), activation) as tf.Tensor2D;
  if (wasmFastPathsInstalled() && tf.getBackend() === 'wasm') {
    const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 };
    return tf.engine().runKernel('_FusedMatMul', { a, b, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  return tf.fused.matMul({ a, b, bias, activation: activation as tf.fused.Activation }) as tf.Tensor2D;
}

/** One layer's output from its inputs and effective (masked) weights; several inputs share bias and activation. */
function layerValue(xs: readonly tf.Tensor2D[], ws: readonly tf.Tensor2D[], bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  if (xs.length === 1) return fusedProduct(xs[0], ws[0], bias, activation);
  let z = fusedProduct(xs[0], ws[0], bias, 'linear');
  for (let k = 1; k < xs.length; k++) z = tf.add(z, tf.matMul(xs[k], ws[k]));
  return activate(z, activation) as tf.Tensor2D;
}

/** The chain by plain autodiff (every op on the tape): the reference the tests compare against. */
function autodiffChain(layers: readonly LinearLayerParams[], xs: readonly tf.Tensor2D[]): tf.Tensor2D {
  let h: tf.Tensor2D | undefined;
  for (const layer of layers) {
    const inputs = h ? [h] : xs;
    let z = tf.matMul(inputs[0], effectiveWeight(layer.kernels[0], layer.masks[0]));
    for (let k = 1; k < inputs.length; k++) z = tf.add(z, tf.matMul(inputs[k], effectiveWeight(layer.kernels[k], layer.masks[k])));
    h = activate(tf.add(z, layer.bias), layer.activation) as tf.Tensor2D;
  }
  return h!;
}

/**
 * The output of a chain of dense layers (see the file comment). `xs` are the first layer's inputs
 * ([B, in_k] each, one per kernel of layers[0]); every later layer has a single input, the
 * previous layer's output. Masks are fixed (not differentiated).
 */
export function linearChain(layers: readonly LinearLayerParams[], xs: readonly tf.Tensor2D[]): tf.Tensor2D {
  if (layers.length === 0) throw new Error('linearChain: needs at least one layer; received none');
  if (xs.length !== layers[0].kernels.length) {
    throw new Error(`linearChain: the first layer takes ${layers[0].kernels.length} input(s); received ${xs.length}`);
  }
  xs.forEach((x, k) => {
    const width = layers[0].kernels[k].shape[0];
    if (x.rank !== 2 || x.shape[1] !== width) {
      throw new Error(`linearChain: input ${k} must have shape [batch, ${width}]; received [${x.shape.join(', ')}]`);
    }
  });
  if (!fastGradients) return autodiffChain(layers, xs);
  const L = layers.length;
  const nx = xs.length;
  // Inputs of the op: the data inputs, then per layer its kernels and its bias.
  const params: tf.Tensor[] = layers.flatMap((l) => [...l.kernels, l.bias]);
  // saved = [...xs, ...effective kernels (layer by layer), ...outputs h_0 .. h_{L-1} (h_{L-1} only for a non-linear last activation)]
  return customOp<tf.Tensor2D>(
    [...xs, ...params],
    (save) => {
      const weights = layers.map((l) => l.kernels.map((w, k) => effectiveWeight(w, l.masks[k])));
      const outputs: tf.Tensor2D[] = [];
      let h: tf.Tensor2D | undefined;
      layers.forEach((l, i) => {
        h = layerValue(h ? [h] : xs, weights[i], l.bias, l.activation);
        outputs.push(h);
      });
      // The last output is needed only to differentiate a non-linear activation.
      const lastLinear = layers[L - 1].activation === 'linear';
      save([...xs, ...weights.flat(), ...(lastLinear ? outputs.slice(0, -1) : outputs)]);
      return h!;
    },
    ([dy], saved) => {
      const savedXs = saved.slice(0, nx) as tf.Tensor2D[];
      let offset = nx;
      const weights = layers.map((l) => {
        const w = saved.slice(offset, offset + l.kernels.length) as tf.Tensor2D[];
        offset += l.kernels.length;
        return w;
      });
      const outputs = saved.slice(offset) as tf.Tensor2D[];
      const rows = dy.shape[0];
      // Eager: the pre-activation gradients dz_l of every layer (each lower one needs the one above).
      const dzs: tf.Tensor2D[] = new Array(L);
      let g = dy as tf.Tensor2D;
      for (let i = L - 1; i >= 0; i--) {
        dzs[i] = activationBackward(g, outputs[i], layers[i].activation) as tf.Tensor2D;
        if (i > 0) g = tf.matMul(dzs[i], weights[i][0], false, true);
      }
      // Lazy: each input's and parameter's gradient, computed only when the loss needs it.
      const inputGrads = savedXs.map((_, k) => () => tf.matMul(dzs[0], weights[0][k], false, true));
      const paramGrads = layers.flatMap((l, i) => {
        const layerInputs = i === 0 ? savedXs : [outputs[i - 1]];
        const kernelGrads = l.kernels.map((_, k) => () => {
          const grad = tf.matMul(layerInputs[k], dzs[i], true, false);
          return l.masks[k] ? tf.mul(grad, l.masks[k]!) : grad;
        });
        const biasGrad = () => tf.reshape(tf.matMul(tf.ones([1, rows]), dzs[i]), [dzs[i].shape[1]]);
        return [...kernelGrads, biasGrad];
      });
      return [...inputGrads, ...paramGrads];
    },
  );
}

/**
 * One dense layer y = act(sum_k x_k (W_k ⊙ M_k) + b). xs[k]: [B, in_k], ws[k]: [in_k, out],
 * masks[k]: fixed [in_k, out] or undefined, bias: [out].
 */
export function linearKernel(
  xs: tf.Tensor2D[],
  ws: tf.Tensor2D[],
  masks: (tf.Tensor2D | undefined)[],
  bias: tf.Tensor1D,
  activation: Activation,
): tf.Tensor2D {
  return linearChain([{ kernels: ws, masks, bias, activation }], xs);
}
