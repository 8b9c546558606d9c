/**
 * The bijector interface.
 *
 * Direction convention (as in TensorFlow Probability and Pyro): `forward` maps base (noise) to data
 * and is the sampling direction; `inverse` maps data to base and is the density direction. Both
 * take `[batch, dim]` tensors and return the output with log|det J| per row, where J is the
 * Jacobian of the map that was applied:
 *
 *   forward(x) = { out: y, logDet: log|det dy/dx| },  inverse(y) = { out: x, logDet: log|det dx/dy| },
 *
 * so at corresponding points the two log-dets are negatives of each other. Conditional bijectors
 * (those whose parameters come from a network) take a context of shape `[batch, contextDim]`;
 * unconditional ones ignore a context.
 */
import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { tidy } from '../util/tidy.js';
import type { ModuleConfig } from '../io/registry.js';
import { assertContext, assertFinite, assertInDomain, assertMatrix, type Domain } from '../validation.js';

export interface BijectorOutput {
  /** The mapped tensor, [batch, dim]. */
  out: tf.Tensor2D;
  /** log|det J| of the map that was applied, one per row: [batch]. */
  logDet: tf.Tensor1D;
}

/**
 * Base class of all bijectors: validates shapes, contexts and (while validation is on) values and
 * domains, runs the subclass's `forwardImpl`/`inverseImpl` inside `tf.tidy`, and carries the
 * module machinery (variables, train/eval mode, dispose). See the file comment for the convention.
 */
export abstract class Bijector extends Module {
  /** Input width, or undefined for elementwise bijectors that accept any width. */
  readonly dim: number | undefined;
  /** Width of the context; 0 for unconditional bijectors. */
  readonly contextDim: number;
  /** Valid inputs of `forward` (checked while validation is enabled); undefined: all of R^d. */
  protected forwardDomain?: Domain;
  /** Valid inputs of `inverse`; undefined: all of R^d. */
  protected inverseDomain?: Domain;

  protected constructor(dim?: number, contextDim = 0) {
    super();
    this.dim = dim;
    this.contextDim = contextDim;
  }

  /** Whether `inverse` is exact; false for planar and radial flows (numerical inverse). */
  get exactInverse(): boolean {
    return true;
  }

  /**
   * Whether log|det J| is 0 everywhere (a permutation): `Chain` then skips adding it, which saves
   * a recorded op per member in every training step. The member still returns zeros.
   */
  get volumePreserving(): boolean {
    return false;
  }

  /** The name used in error messages. */
  get name(): string {
    return this.constructor.name;
  }

  /** Map base to data (the sampling direction), with log|det dy/dx| per row. */
  forward(x: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    this.check('forward', x, context, this.forwardDomain);
    return tidy(() => this.forwardImpl(x, context));
  }

  /** Map data to base (the density direction), with log|det dx/dy| per row. */
  inverse(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    this.check('inverse', y, context, this.inverseDomain);
    return tidy(() => this.inverseImpl(y, context));
  }

  /** log|det dy/dx| at x (TFP's name). */
  forwardLogDetJacobian(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.forward(x, context).logDet);
  }

  /** log|det dx/dy| at y (TFP's name). */
  inverseLogDetJacobian(y: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.inverse(y, context).logDet);
  }

  /** The architecture as JSON, for saving. Built-in bijectors implement it. */
  toConfig(): ModuleConfig {
    throw new Error(`${this.name}.toConfig: this bijector does not support saving; implement toConfig and call registerModule`);
  }

  protected abstract forwardImpl(x: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput;
  protected abstract inverseImpl(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput;

  private check(method: string, input: unknown, context: unknown, domain?: Domain): void {
    const where = `${this.name}.${method}`;
    assertMatrix(where, 'input', input, this.dim);
    assertContext(where, this.contextDim, input.shape[0], context);
    assertFinite(where, 'input', input);
    if (this.contextDim > 0 && context) assertFinite(where, 'context', context);
    if (domain) assertInDomain(where, 'input', input, domain);
  }
}

/** log|det| of an elementwise map: the sum over columns of log|f'(x_i)|. */
export function sumLogDet(logAbsDerivative: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(logAbsDerivative, 1) as tf.Tensor1D;
}
