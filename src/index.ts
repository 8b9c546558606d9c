/**
 * flowsbi: normalizing flows and amortized simulation-based inference for TensorFlow.js.
 *
 * Direction convention: a bijector's `forward` maps base (noise) to data and is the sampling
 * direction; `inverse` maps data to base and is the density direction (as in TFP and Pyro).
 * Tensors are batch-first, `[batch, dim]`.
 */
export * from './backend/index.js';
export { installWasmFastPaths, wasmFastPathsInstalled } from './backend/wasmMatMul.js';
export * from './random.js';
export * from './numerics.js';
export * from './validation.js';
export * from './module.js';
export * from './io/registry.js';

export * from './bijectors/bijector.js';
export * from './bijectors/chain.js';
export * from './bijectors/invert.js';
export * from './bijectors/identity.js';
export * from './bijectors/permutation.js';
export * from './bijectors/monotonic/monotonic.js';
export * from './bijectors/monotonic/affine.js';
export * from './bijectors/maskedAutoregressive.js';
export * from './bijectors/coupling.js';

export * from './distributions/distribution.js';
export * from './distributions/standardNormal.js';
export * from './distributions/diagonalNormal.js';
export * from './distributions/boxUniform.js';
export * from './distributions/jointIndependent.js';

export * from './nn/activation.js';
export * from './nn/dense.js';
export * from './nn/mlp.js';
export * from './nn/conditioner.js';
export * from './nn/made.js';

export * from './flows/flow.js';
export * from './flows/builders.js';

export * from './train/adam.js';
export * from './train/snapshot.js';
export * from './train/dataset.js';
export * from './train/loop.js';
export * from './train/fit.js';
export * from './train/fitFlow.js';
export * from './train/variational.js';

export * from './io/format.js';
