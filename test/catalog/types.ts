import type * as tf from '@tensorflow/tfjs';
import type { Bijector } from '../../src/bijectors/bijector.js';

/** Where a direction's inputs live: all of R, or an open interval per dimension. */
export type InputDomain = 'real' | { low: number; high: number };

/**
 * One bijector under test. The property suites (test/properties/*.test.ts) run every case in the
 * catalog; adding a bijector to the library means adding a case here.
 */
export interface BijectorCase {
  name: string;
  /** Build an instance. contextDim is 0 for unconditional runs. */
  make(args: { dim: number; contextDim: number; seed: number }): Bijector;
  /** Whether the bijector accepts a context (conditional variant). */
  conditional: boolean;
  /** Whether an unconditional variant exists (default true). */
  unconditional?: boolean;
  /** Dimensions to test (default [1, 6]). */
  dims?: [number, number];
  /** Domain of forward inputs (default real). */
  forwardDomain?: InputDomain;
  /** Domain of inverse inputs (default real). */
  inverseDomain?: InputDomain;
  /**
   * Largest input magnitude for each direction where float32 keeps the round trip accurate
   * (default 100 both ways). Inputs are drawn with magnitudes up to this value.
   */
  magnitude?: { forward?: number; inverse?: number };
  /**
   * Jacobian entries that must be exactly zero (structure promised by the ordering):
   * returns zero[i][j] = true where d y_i / d x_j must vanish. Default: no constraint.
   */
  structure?: (bijector: Bijector, dim: number) => boolean[][];
  /** Numerical inverse (planar, radial): round trips use the numerical-inverse tolerance. */
  numericalInverse?: boolean;
  /**
   * Fixed scale of the random perturbation of trainable variables (0 = keep init); by default the
   * harness draws it from PERTURBATIONS (0 to 0.5).
   */
  perturb?: number;
  /** Runs after construction and perturbation (e.g. data-dependent initialisation, eval mode). */
  prepare?: (bijector: Bijector, sample: (n: number) => tf.Tensor2D, context?: tf.Tensor2D) => void;
  /** Skip the density-integrates-to-one property with this reason (must be stated). */
  skipQuadrature?: string;
}

/** Lower-triangular structure: y_i depends on x_j only for j <= i. */
export function lowerTriangular(_: Bijector, dim: number): boolean[][] {
  return Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => j > i));
}

/** Diagonal structure (elementwise maps). */
export function diagonal(_: Bijector, dim: number): boolean[][] {
  return Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => j !== i));
}
