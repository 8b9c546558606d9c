/**
 * Families of elementwise increasing maps y_i = T(x_i; theta_i) whose parameters come from a
 * network: the "univariate transforms" that autoregressive and coupling layers apply
 * (zuko's `MonotonicAffineTransform` and `MonotonicRQSTransform`).
 *
 * Parameters arrive raw (unconstrained network outputs) as `[batch, paramsPerDim, dim]`; each
 * family maps them to valid values itself. Both directions return the elementwise log-derivative
 * of the map they applied, `[batch, dim]`, so that callers can mask or sum it.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Json } from '../../io/registry.js';

export interface MonotonicOutput {
  out: tf.Tensor2D;
  /** log |dT/dx| (forward) or log |dT^{-1}/dy| (inverse), elementwise: [batch, dim]. */
  logAbsDet: tf.Tensor2D;
}

/**
 * A hint for `forward`: the caller uses only column `onlyDim` of the result (autoregressive
 * sampling fills one dimension per pass). A transform may skip the other columns; what it returns
 * there is unspecified and must be masked out by the caller (gradients included).
 */
export interface ForwardHint {
  onlyDim?: number;
}

export interface MonotonicTransform {
  /** Registered name, e.g. "affine" or "spline". */
  readonly kind: string;
  /** Raw parameters per dimension. */
  readonly paramsPerDim: number;
  forward(x: tf.Tensor2D, params: tf.Tensor3D, hint?: ForwardHint): MonotonicOutput;
  inverse(y: tf.Tensor2D, params: tf.Tensor3D): MonotonicOutput;
  /** JSON options that rebuild this transform with {@link monotonicFromConfig}. */
  toConfig(): { kind: string; [key: string]: Json };
}

type Factory = (config: { kind: string; [key: string]: Json }) => MonotonicTransform;
const factories = new Map<string, Factory>();

/** Register how to rebuild a monotonic transform family from its config (`{ kind, ...options }`). */
export function registerMonotonic(kind: string, factory: Factory): void {
  factories.set(kind, factory);
}

/** Rebuild a monotonic transform from the config written by its `toConfig`. */
export function monotonicFromConfig(config: { kind: string; [key: string]: Json }): MonotonicTransform {
  const factory = factories.get(config?.kind);
  if (!factory) {
    throw new Error(`monotonicFromConfig: unknown transform kind "${config?.kind}"; known: ${[...factories.keys()].join(', ')}`);
  }
  return factory(config);
}
