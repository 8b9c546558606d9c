import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from './bijector.js';
import { solveMonotone } from './monotoneSolve.js';
import { Dense } from '../nn/dense.js';
import { uniformInit } from '../nn/init.js';
import { softplus, stopGradient, TOLERANCES } from '../numerics.js';
import { registerModule, type ModuleConfig } from '../io/registry.js';
import { toRandom, type SeedLike } from '../random.js';
import { tidy } from '../util/tidy.js';
import { assertPositiveInt } from '../validation.js';

export interface PlanarOptions {
  dim: number;
  /** Context width (default 0). When > 0, u, w, b of each row come from the context. */
  contextDim?: number;
  /** Iteration cap of the numerical inverse (default 100). */
  maxIterations?: number;
  seed?: SeedLike;
}

/** The parameters of a planar layer per row: rows = 1 (unconditional) or the context rows. */
export interface PlanarParameters {
  /** û (the constrained u), [rows, dim]. */
  u: tf.Tensor2D;
  w: tf.Tensor2D;
  /** [rows, 1]. */
  b: tf.Tensor2D;
}

interface Internals extends PlanarParameters {
  /** softplus(wᵀu) = 1 + wᵀû, [rows, 1]. */
  onePlusPsi: tf.Tensor2D;
}

/** sech²(s) = 4 e^{-2|s|} / (1 + e^{-2|s|})², without the cancellation of 1 - tanh²(s). */
function sech2(s: tf.Tensor): tf.Tensor {
  const e = tf.exp(tf.mul(-2, tf.abs(s)));
  return tf.div(tf.mul(4, e), tf.square(tf.add(1, e)));
}

/**
 * A planar flow layer (Rezende & Mohamed 2015, "Variational inference with normalizing flows"):
 *
 *   f(z) = z + û h(wᵀz + b),  h = tanh,  log|det df/dz| = log|1 + ûᵀ h'(wᵀz + b) w|,
 *
 * with the paper's invertibility reparameterisation (its appendix A.1)
 * û = u + (m(wᵀu) - wᵀu) w / |w|², m(a) = -1 + softplus(a), so that wᵀû = m(wᵀu) >= -1 and f is
 * a bijection. The log-det is computed as log(softplus(wᵀu) sech²(s) + tanh²(s)), s = wᵀz + b, a
 * sum of non-negative terms equal to 1 + wᵀû h'(s). (|w|² is floored at 1e-30 so that w = 0 gives
 * no NaN.) Unconditional: u, w, b are variables. Conditional: u, w, b of each row come from the
 * context through a Dense layer of width 2 dim + 1 (amortised flows, as a VAE encoder needs).
 *
 * The inverse has no closed form and is computed numerically (`exactInverse` is false): with
 * s = wᵀz + b and c = wᵀy + b, wᵀf(z) + b = c reads s + wᵀû tanh(s) = c, increasing in s with the
 * root in [c - |wᵀû|, c + |wᵀû|]. That scalar equation is solved per row in float64 by Newton's
 * method safeguarded by bisection, stopping when the residual |f(z) - y| (Euclidean, per row) is
 * at most TOLERANCES.numericalInverse = 1e-5; then z = y - û tanh(s). After `maxIterations`
 * (default 100) an error is raised. The returned float32 z adds its own rounding (relative ~6e-8),
 * so large |y| reproduce y only to float32 precision. The inverse log-det is minus the forward
 * log-det at the solution; one Newton step written in tensor ops (its value frozen) gives the
 * gradients of the implicit function theorem, so the inverse is differentiable.
 *
 * Limit of the float32 parameterisation: when wᵀu is very negative, 1 + wᵀû = softplus(wᵀu) is
 * tiny while û is stored in float32 with an absolute error of about |wᵀu| 6e-8 in wᵀû. The
 * log-det (computed from softplus(wᵀu)) then disagrees with the Jacobian of the float32 map by a
 * relative 3% at wᵀu = -10.8 for |wᵀz + b| below about 4e-3, and for wᵀu below about -20 the
 * float32 map can stop being invertible near wᵀz + b = 0. Such layers are nearly singular; training
 * rarely reaches them, but nothing here prevents it.
 *
 * Planar layers are meant for the sampling direction (VAE encoders, reverse-KL fitting), where
 * `sampleAndLogProb` uses only `forward`; density evaluation works but runs the solver.
 */
export class Planar extends Bijector {
  readonly maxIterations: number;
  private readonly raw?: { u: tf.Variable; w: tf.Variable; b: tf.Variable };
  private readonly net?: Dense;

  constructor(options: PlanarOptions) {
    assertPositiveInt('Planar', 'dim', options.dim);
    const contextDim = options.contextDim ?? 0;
    if (contextDim !== 0) assertPositiveInt('Planar', 'contextDim', contextDim);
    const maxIterations = options.maxIterations ?? 100;
    assertPositiveInt('Planar', 'maxIterations', maxIterations);
    super(options.dim, contextDim);
    this.maxIterations = maxIterations;
    const d = options.dim;
    const random = toRandom(options.seed);
    if (contextDim > 0) {
      this.net = this.addModule('net', new Dense({ inputs: contextDim, outputs: 2 * d + 1, seed: random }));
    } else {
      this.raw = {
        u: this.addVariable('u', uniformInit([1, d], d, random)),
        w: this.addVariable('w', uniformInit([1, d], d, random)),
        b: this.addVariable('b', uniformInit([1, 1], d, random)),
      };
    }
  }

  override get exactInverse(): boolean {
    return false;
  }

  /** û, w, b per row (new tensors; the caller disposes them). Conditional layers need the context. */
  parameters(context?: tf.Tensor2D): PlanarParameters {
    return tidy(() => {
      const { u, w, b } = this.internals(context, 'parameters');
      return { u, w, b };
    });
  }

  private internals(context: tf.Tensor2D | undefined, method: string): Internals {
    const d = this.dim!;
    let u: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor2D;
    if (this.net) {
      if (!context) throw new Error(`Planar.${method}: this layer is conditional and needs a context of shape [batch, ${this.contextDim}]; received none`);
      const p = this.net.apply(context);
      [u, w, b] = [tf.slice(p, [0, 0], [-1, d]), tf.slice(p, [0, d], [-1, d]), tf.slice(p, [0, 2 * d], [-1, 1])];
    } else {
      const raw = this.raw!;
      [u, w, b] = [tf.clone(raw.u), tf.clone(raw.w), tf.clone(raw.b)] as tf.Tensor2D[];
    }
    const wu = tf.sum(tf.mul(w, u), 1, true);
    const w2 = tf.maximum(tf.sum(tf.square(w), 1, true), 1e-30);
    const onePlusPsi = softplus(wu) as tf.Tensor2D;
    // m(wᵀu) - wᵀu = softplus(wᵀu) - 1 - wᵀu
    const uHat = tf.add(u, tf.mul(tf.div(tf.sub(tf.sub(onePlusPsi, 1), wu), w2), w)) as tf.Tensor2D;
    return { u: uHat, w, b, onePlusPsi };
  }

  /** log(softplus(wᵀu) sech²(s) + tanh²(s)) per row, = log(1 + wᵀû h'(s)). */
  private static logDet(s: tf.Tensor, onePlusPsi: tf.Tensor): tf.Tensor1D {
    return tf.reshape(tf.log(tf.add(tf.mul(onePlusPsi, sech2(s)), tf.square(tf.tanh(s)))), [-1]);
  }

  protected forwardImpl(z: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    const p = this.internals(context, 'forward');
    const s = tf.add(tf.sum(tf.mul(z, p.w), 1, true), p.b);
    return { out: tf.add(z, tf.mul(p.u, tf.tanh(s))), logDet: Planar.logDet(s, p.onePlusPsi) };
  }

  protected inverseImpl(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    const p = this.internals(context, 'inverse');
    const psi = tf.sub(p.onePlusPsi, 1);
    const c = tf.add(tf.sum(tf.mul(y, p.w), 1, true), p.b);
    const s0 = tf.tensor2d(this.solve(y, p), [y.shape[0], 1]);
    // One Newton step s0 - q, q = g(s0)/g'(s0), with the value of q frozen: s equals s0 but its
    // gradient is -dg/dθ / g', the implicit-function derivative of the root.
    const g = tf.sub(tf.add(s0, tf.mul(psi, tf.tanh(s0))), c);
    const q = tf.div(g, tf.add(1, tf.mul(psi, sech2(s0))));
    const s = tf.add(tf.sub(s0, q), stopGradient(q));
    return { out: tf.sub(y, tf.mul(p.u, tf.tanh(s))), logDet: tf.neg(Planar.logDet(s, p.onePlusPsi)) };
  }

  /**
   * Root s of s + ψ tanh(s) = c per row, in float64 from the float32 parameters (ψ = wᵀû and
   * c = wᵀy + b recomputed in float64, so that the equation and the residual agree exactly).
   */
  private solve(y: tf.Tensor2D, p: Internals): Float32Array {
    const [rows, d] = y.shape;
    const [Y, U, W, B] = [y, p.u, p.w, p.b].map((t) => t.dataSync());
    const paramRows = U.length / d;
    const row = (i: number) => (paramRows === 1 ? 0 : i); // shared parameters or one row each
    const uNorm = new Float64Array(paramRows);
    const PSI = new Float64Array(paramRows);
    for (let k = 0; k < paramRows; k++) {
      for (let j = 0; j < d; j++) {
        uNorm[k] += U[k * d + j] ** 2;
        PSI[k] += W[k * d + j] * U[k * d + j];
      }
      uNorm[k] = Math.sqrt(uNorm[k]);
    }
    const C = new Float64Array(rows);
    const lo = new Float64Array(rows);
    const hi = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const k = row(i);
      C[i] = B[k];
      for (let j = 0; j < d; j++) C[i] += W[k * d + j] * Y[i * d + j];
      lo[i] = C[i] - Math.abs(PSI[k]);
      hi[i] = C[i] + Math.abs(PSI[k]);
    }
    const s = solveMonotone(
      {
        rows,
        lo,
        hi,
        start: C,
        value: (i, t) => t + PSI[row(i)] * Math.tanh(t) - C[i],
        slope: (i, t) => 1 + PSI[row(i)] / Math.cosh(t) ** 2,
        // f(z) - y = û (tanh(wᵀz + b) - tanh(s)) for z = y - û tanh(s).
        residual: (i, t) => {
          const k = row(i);
          const h = Math.tanh(t);
          let a = B[k];
          for (let j = 0; j < d; j++) a += W[k * d + j] * (Y[i * d + j] - U[k * d + j] * h);
          return uNorm[k] * Math.abs(Math.tanh(a) - h);
        },
      },
      { tolerance: TOLERANCES.numericalInverse, maxIterations: this.maxIterations, where: 'Planar.inverse' },
    );
    return Float32Array.from(s);
  }

  override toConfig(): ModuleConfig {
    return { type: 'Planar', dim: this.dim!, contextDim: this.contextDim, maxIterations: this.maxIterations };
  }
}

registerModule('Planar', (c) =>
  new Planar({ dim: c.dim as number, contextDim: c.contextDim as number, maxIterations: c.maxIterations as number }),
);
