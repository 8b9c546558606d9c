import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Added to sqrt(v) (PyTorch's default 1e-8). */
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba 2015) with bias correction, as in PyTorch:
 *   m ← β1 m + (1-β1) g,  v ← β2 v + (1-β2) g²,
 *   θ ← θ - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε).
 * The learning rate can change between steps (schedules). Moment estimates are kept per variable
 * and freed by `dispose`.
 */
export class Adam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private step = 0;
  private readonly moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();

  constructor(options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.learningRate > 0)) throw new Error(`Adam: learningRate must be > 0; received ${this.learningRate}`);
  }

  /** Number of updates applied so far. */
  get iterations(): number {
    return this.step;
  }

  /** Apply one update; `grads` pairs each variable with its gradient (same shape). */
  apply(updates: [tf.Variable, tf.Tensor][]): void {
    this.step += 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    const stepSize = this.learningRate / correction1;
    tf.tidy(() => {
      for (const [variable, g] of updates) {
        let state = this.moments.get(variable);
        if (!state) {
          state = {
            m: tf.variable(tf.zerosLike(variable), false),
            v: tf.variable(tf.zerosLike(variable), false),
          };
          this.moments.set(variable, state);
        }
        const m = tf.add(tf.mul(this.beta1, state.m), tf.mul(1 - this.beta1, g));
        const v = tf.add(tf.mul(this.beta2, state.v), tf.mul(1 - this.beta2, tf.square(g)));
        state.m.assign(m);
        state.v.assign(v);
        const denom = tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon);
        variable.assign(tf.sub(variable, tf.mul(stepSize, tf.div(m, denom))));
      }
    });
  }

  /** Free the moment estimates. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
