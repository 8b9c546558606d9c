import * as tf from '@tensorflow/tfjs';
import { memoryView } from '../backend/memory.js';
import { SimdAdam } from './adamSimd.js';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Added to sqrt(v) (PyTorch's default 1e-8). */
  epsilon?: number;
  /** Update in JavaScript on backends with direct memory (default true); false forces tensor ops. */
  inPlace?: boolean;
}

/**
 * Adam (Kingma & Ba 2015) with bias correction, as in PyTorch, and optional global-norm gradient
 * clipping (Pascanu et al. 2013; torch.nn.utils.clip_grad_norm_):
 *   g ← g · min(1, c / (||g|| + 1e-6)),
 *   m ← β1 m + (1-β1) g,  v ← β2 v + (1-β2) g²,
 *   θ ← θ - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε).
 *
 * On the wasm and cpu backends the update runs outside TF.js: one pass over typed-array views of
 * the gradients and variables (a WebAssembly SIMD function, adamSimd.ts, or else a JavaScript
 * loop), and no TF.js kernel launched (with tensor ops the optimiser and clipping were about half of the ~1300 kernels of a 5-layer MAF
 * step). The new values go into a fresh buffer that the variable is then assigned: writing the
 * variable's memory in place would be faster still but is wrong on wasm, where XNNPACK caches
 * matrices packed for its matmul by tensor id, so an in-place change is not seen by the next
 * product (a regression test covers this). Other backends use the same formulas with tensor ops.
 */
export class Adam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly inPlace: boolean;
  private step = 0;
  private readonly moments = new Map<tf.Variable, { m: Float32Array; v: Float32Array; out: Float32Array } | { slot: number }>();
  /** The SIMD kernel's state (false: WebAssembly SIMD unavailable, JavaScript loop). */
  private simd: SimdAdam | false | undefined;
  private readonly tensorMoments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();

  constructor(options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.inPlace = options.inPlace ?? true;
    if (!(this.learningRate > 0)) throw new Error(`Adam: learningRate must be > 0; received ${this.learningRate}`);
  }

  /** Number of updates applied so far. */
  get iterations(): number {
    return this.step;
  }

  /**
   * Apply one update. `grads[i]` is the gradient of `variables[i]`; with `clipNorm` the gradients
   * are first scaled to a global norm of at most clipNorm. Returns the global norm before clipping.
   */
  update(variables: tf.Variable[], grads: tf.Tensor[], clipNorm: number | null = null): number {
    if (variables.length !== grads.length) {
      throw new Error(`Adam.update: ${variables.length} variables but ${grads.length} gradients`);
    }
    this.step += 1;
    if (!this.inPlace) return this.updateWithTensors(variables, grads, clipNorm);
    const gradViews = grads.map(memoryView);
    if (gradViews.every((g) => g !== null) && variables.every((v) => memoryView(v) !== null)) {
      return this.updateInJs(variables, gradViews as Float32Array[], clipNorm);
    }
    return this.updateWithTensors(variables, grads, clipNorm);
  }

  private updateInJs(variables: tf.Variable[], grads: Float32Array[], clipNorm: number | null): number {
    this.simd ??= SimdAdam.create() ?? false;
    const simd = this.simd;
    const states = variables.map((variable) => {
      let state = this.moments.get(variable);
      if (!state) {
        state = simd
          ? { slot: simd.addSlot(variable.size) }
          : { m: new Float32Array(variable.size), v: new Float32Array(variable.size), out: new Float32Array(variable.size) };
        this.moments.set(variable, state);
      }
      return state;
    });
    let sumSq = 0;
    states.forEach((state, k) => {
      const g = grads[k];
      if ('slot' in state) sumSq += (simd as SimdAdam).load(state.slot, g);
      else for (let i = 0; i < g.length; i++) sumSq += g[i] * g[i];
    });
    const norm = Math.sqrt(sumSq);
    const scale = clipNorm === null ? 1 : Math.min(1, clipNorm / (norm + 1e-6));
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const c1 = 1 - b1 ** this.step;
    const rc2 = 1 / Math.sqrt(1 - b2 ** this.step);
    const stepSize = this.learningRate / c1;
    // First every new value (the views stay valid: no tensor is created during this loop), by the
    // WebAssembly SIMD kernel where available (adamSimd.ts), else in JavaScript into a buffer kept
    // per variable (its values are copied into the new tensor below) ...
    const a1 = (1 - b1) * scale;
    const a2 = (1 - b2) * scale * scale;
    const next = variables.map((variable, k) => {
      const state = states[k];
      const theta = memoryView(variable)!;
      const g = grads[k];
      if ('slot' in state) {
        // A copy: the kernel's memory may grow (and move) before the tensors are made below.
        return (simd as SimdAdam).update(state.slot, theta, { b1, a1, b2, a2, stepSize, rc2, eps }).slice();
      }
      const { m, v, out } = state;
      for (let i = 0; i < theta.length; i++) {
        const gi = g[i];
        const mi = b1 * m[i] + a1 * gi;
        const vi = b2 * v[i] + a2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        out[i] = theta[i] - (stepSize * mi) / (Math.sqrt(vi) * rc2 + eps);
      }
      return out;
    });
    // ... then fresh tensors (this may grow the wasm heap and invalidate the views above).
    variables.forEach((variable, k) => {
      const t = tf.tensor(next[k], variable.shape, 'float32');
      variable.assign(t);
      t.dispose();
    });
    return norm;
  }

  private updateWithTensors(variables: tf.Variable[], grads: tf.Tensor[], clipNorm: number | null): number {
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    return tf.tidy(() => {
      const normT = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
      const scale = clipNorm === null ? tf.scalar(1) : tf.minimum(1, tf.div(clipNorm, tf.add(normT, 1e-6)));
      variables.forEach((variable, k) => {
        let state = this.tensorMoments.get(variable);
        if (!state) {
          state = { m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) };
          this.tensorMoments.set(variable, state);
        }
        const g = tf.mul(grads[k], scale);
        const m = tf.add(tf.mul(this.beta1, state.m), tf.mul(1 - this.beta1, g));
        const v = tf.add(tf.mul(this.beta2, state.v), tf.mul(1 - this.beta2, tf.square(g)));
        state.m.assign(m);
        state.v.assign(v);
        const denom = tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon);
        variable.assign(tf.sub(variable, tf.mul(this.learningRate / c1, tf.div(m, denom))));
      });
      return normT.dataSync()[0];
    });
  }

  /** Free the moment estimates. */
  dispose(): void {
    this.moments.clear();
    this.simd = undefined;
    for (const { m, v } of this.tensorMoments.values()) {
      m.dispose();
      v.dispose();
    }
    this.tensorMoments.clear();
  }
}
