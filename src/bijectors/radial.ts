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

export interface RadialOptions {
  dim: number;
  /** Context width (default 0). When > 0, z0, α~, β~ of each row come from the context. */
  contextDim?: number;
  /** Iteration cap of the numerical inverse (default 100). */
  maxIterations?: number;
  seed?: SeedLike;
}

/** The parameters of a radial layer per row: rows = 1 (unconditional) or the context rows. */
export interface RadialParameters {
  /** The centre, [rows, dim]. */
  z0: tf.Tensor2D;
  /** α = max(softplus(α~), 1e-20) > 0, [rows, 1]. */
  alpha: tf.Tensor2D;
  /** β = -α + softplus(β~) >= -α, [rows, 1]. */
  beta: tf.Tensor2D;
}

interface Internals extends RadialParameters {
  /** softplus(β~) = α + β >= 0, [rows, 1]. */
  alphaPlusBeta: tf.Tensor2D;
}

/** Floor of α: softplus(α~) underflows to 0 in float32 for α~ below about -100. */
const MIN_ALPHA = 1e-20;

/** |v| per row, [rows, 1]; the square is floored at 1e-20 so that the gradient at v = 0 is finite. */
function norm(v: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.maximum(tf.sum(tf.square(v), 1, true), 1e-20));
}

/**
 * A radial flow layer (Rezende & Mohamed 2015, "Variational inference with normalizing flows"):
 *
 *   f(z) = z + β h(α, r) (z - z0),  r = |z - z0|,  h(α, r) = 1 / (α + r),
 *   log|det df/dz| = (d - 1) log(1 + β h) + log(1 + β h + β h'(r) r),
 *
 * with α = softplus(α~) > 0 (floored at 1e-20, where float32 softplus would underflow to 0) and
 * β = -α + softplus(β~) >= -α, which makes f a bijection (the paper's appendix A.2). Stable forms: 1 + β h = (softplus(β~) + r) / (α + r) and
 * 1 + β h + β h' r = (r (r + 2α) + α softplus(β~)) / (α + r)², both ratios of non-negative terms.
 * Unconditional: z0, α~, β~ are variables. Conditional: each row's come from the context through
 * a Dense layer of width dim + 2 (amortised flows, as a VAE encoder needs).
 *
 * The inverse is computed numerically (`exactInverse` is false): f moves z along the ray from z0,
 * so with ρ = |y - z0| the radius r = |z - z0| solves r + β r / (α + r) = ρ, increasing in r, with
 * the root in [max(0, ρ - max(β, 0)), ρ + max(-β, 0)]. That scalar equation is solved per row in
 * float64 by Newton's method safeguarded by bisection, stopping when the residual |f(z) - y|
 * (Euclidean, per row) is at most TOLERANCES.numericalInverse = 1e-5; then
 * z = y - β (y - z0) / (α + β + r). After `maxIterations` (default 100) an error is raised. (The
 * equation is also a quadratic in r; the iteration keeps both layers on the same verified path.)
 * The returned float32 z adds its own rounding (relative ~6e-8). The inverse log-det is minus the
 * forward log-det at the solution; one frozen Newton step in tensor ops gives the implicit-function
 * gradients, so the inverse is differentiable.
 *
 * Radial layers are meant for the sampling direction (VAE encoders, reverse-KL fitting), where
 * `sampleAndLogProb` uses only `forward`; density evaluation works but runs the solver.
 */
export class Radial extends Bijector {
  readonly maxIterations: number;
  private readonly raw?: { z0: tf.Variable; alpha: tf.Variable; beta: tf.Variable };
  private readonly net?: Dense;

  constructor(options: RadialOptions) {
    assertPositiveInt('Radial', 'dim', options.dim);
    const contextDim = options.contextDim ?? 0;
    if (contextDim !== 0) assertPositiveInt('Radial', 'contextDim', contextDim);
    const maxIterations = options.maxIterations ?? 100;
    assertPositiveInt('Radial', 'maxIterations', maxIterations);
    super(options.dim, contextDim);
    this.maxIterations = maxIterations;
    const d = options.dim;
    const random = toRandom(options.seed);
    if (contextDim > 0) {
      this.net = this.addModule('net', new Dense({ inputs: contextDim, outputs: d + 2, seed: random }));
    } else {
      this.raw = {
        z0: this.addVariable('z0', uniformInit([1, d], d, random)),
        alpha: this.addVariable('alphaRaw', uniformInit([1, 1], d, random)),
        beta: this.addVariable('betaRaw', uniformInit([1, 1], d, random)),
      };
    }
  }

  override get exactInverse(): boolean {
    return false;
  }

  /** z0, α, β per row (new tensors; the caller disposes them). Conditional layers need the context. */
  parameters(context?: tf.Tensor2D): RadialParameters {
    return tidy(() => {
      const { z0, alpha, beta } = this.internals(context, 'parameters');
      return { z0, alpha, beta };
    });
  }

  private internals(context: tf.Tensor2D | undefined, method: string): Internals {
    const d = this.dim!;
    let z0: tf.Tensor2D, alphaRaw: tf.Tensor2D, betaRaw: tf.Tensor2D;
    if (this.net) {
      if (!context) throw new Error(`Radial.${method}: this layer is conditional and needs a context of shape [batch, ${this.contextDim}]; received none`);
      const p = this.net.apply(context);
      [z0, alphaRaw, betaRaw] = [tf.slice(p, [0, 0], [-1, d]), tf.slice(p, [0, d], [-1, 1]), tf.slice(p, [0, d + 1], [-1, 1])];
    } else {
      const raw = this.raw!;
      [z0, alphaRaw, betaRaw] = [tf.clone(raw.z0), raw.alpha, raw.beta] as tf.Tensor2D[];
    }
    const alpha = tf.maximum(softplus(alphaRaw), MIN_ALPHA) as tf.Tensor2D;
    const alphaPlusBeta = softplus(betaRaw) as tf.Tensor2D;
    return { z0, alpha, beta: tf.sub(alphaPlusBeta, alpha), alphaPlusBeta };
  }

  /** (d - 1) log((α + β + r) / (α + r)) + log((r (r + 2α) + α (α + β)) / (α + r)²) per row. */
  private logDet(r: tf.Tensor, p: Internals): tf.Tensor1D {
    const logAr = tf.log(tf.add(p.alpha, r));
    const radial = tf.mul(this.dim! - 1, tf.sub(tf.log(tf.add(p.alphaPlusBeta, r)), logAr));
    const along = tf.log(tf.add(tf.mul(r, tf.add(r, tf.mul(2, p.alpha))), tf.mul(p.alpha, p.alphaPlusBeta)));
    return tf.reshape(tf.add(radial, tf.sub(along, tf.mul(2, logAr))), [-1]);
  }

  protected forwardImpl(z: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    const p = this.internals(context, 'forward');
    const v = tf.sub(z, p.z0);
    const r = norm(v);
    return { out: tf.add(z, tf.mul(v, tf.div(p.beta, tf.add(p.alpha, r)))), logDet: this.logDet(r, p) };
  }

  protected inverseImpl(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    const p = this.internals(context, 'inverse');
    const v = tf.sub(y, p.z0);
    const rho = norm(v);
    const r0 = tf.tensor2d(this.solve(y, p), [y.shape[0], 1]);
    // One Newton step r0 - q, q = g(r0)/g'(r0), with the value of q frozen: r equals r0 but its
    // gradient is -dg/dθ / g', the implicit-function derivative of the root.
    const ar0 = tf.add(p.alpha, r0);
    const g = tf.sub(tf.add(r0, tf.div(tf.mul(p.beta, r0), ar0)), rho);
    const q = tf.div(g, tf.add(1, tf.div(tf.mul(p.beta, p.alpha), tf.square(ar0))));
    const r = tf.add(tf.sub(r0, q), stopGradient(q));
    const out = tf.sub(y, tf.mul(v, tf.div(p.beta, tf.add(p.alphaPlusBeta, r)))) as tf.Tensor2D;
    return { out, logDet: tf.neg(this.logDet(r, p)) };
  }

  /** Root r of r + β r / (α + r) = ρ per row, in float64 from the float32 parameters. */
  private solve(y: tf.Tensor2D, p: Internals): Float32Array {
    const [rows, d] = y.shape;
    const [Y, Z0, A, BETA] = [y, p.z0, p.alpha, p.beta].map((t) => t.dataSync());
    const row = (i: number) => (A.length === 1 ? 0 : i); // shared parameters or one row each
    const RHO = new Float64Array(rows);
    const lo = new Float64Array(rows);
    const hi = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const k = row(i);
      for (let j = 0; j < d; j++) RHO[i] += (Y[i * d + j] - Z0[k * d + j]) ** 2;
      RHO[i] = Math.sqrt(RHO[i]);
      lo[i] = Math.max(0, RHO[i] - Math.max(BETA[k], 0));
      hi[i] = RHO[i] + Math.max(-BETA[k], 0);
    }
    const r = solveMonotone(
      {
        rows,
        lo,
        hi,
        start: RHO,
        value: (i, t) => t + (BETA[row(i)] * t) / (A[row(i)] + t) - RHO[i],
        slope: (i, t) => 1 + (BETA[row(i)] * A[row(i)]) / (A[row(i)] + t) ** 2,
        // z - z0 = (y - z0) k with k = (α + t) / (α + β + t); then f(z) - y = (y - z0) (k (1 + β / (α + ρ k)) - 1).
        residual: (i, t) => {
          const [a, beta] = [A[row(i)], BETA[row(i)]];
          const k = (a + t) / (a + beta + t);
          return RHO[i] * Math.abs(k * (1 + beta / (a + RHO[i] * k)) - 1);
        },
      },
      { tolerance: TOLERANCES.numericalInverse, maxIterations: this.maxIterations, where: 'Radial.inverse' },
    );
    return Float32Array.from(r);
  }

  override toConfig(): ModuleConfig {
    return { type: 'Radial', dim: this.dim!, contextDim: this.contextDim, maxIterations: this.maxIterations };
  }
}

registerModule('Radial', (c) =>
  new Radial({ dim: c.dim as number, contextDim: c.contextDim as number, maxIterations: c.maxIterations as number }),
);
