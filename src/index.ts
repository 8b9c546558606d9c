/**
 * flowsbi: normalizing flows and amortized simulation-based inference for TensorFlow.js.
 *
 * Direction convention: a bijector's `forward` maps base (noise) to data and is the sampling
 * direction; `inverse` maps data to base and is the density direction (as in TFP and Pyro).
 * Tensors are batch-first, `[batch, dim]`.
 *
 * This root entry runs in any JavaScript runtime: nothing in its import graph uses a Node
 * built-in (test/entries/bundles.test.ts bundles it for a browser). Node-only helpers (files, worker
 * threads, progress bars, PNG output) are in `flowsbi/node`; the Ricker model is the plug-in
 * `flowsbi/ricker`, which the core never imports.
 */
export * from './backend/index.js';
export { installWasmFastPaths, wasmFastPathsInstalled } from './backend/wasmMatMul.js';
export * from './random.js';
export * from './numerics.js';
export * from './rows.js';
export * from './quantile.js';
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
export * from './bijectors/monotonic/rqSpline.js';
export * from './bijectors/maskedAutoregressive.js';
export * from './bijectors/coupling.js';
export * from './bijectors/planar.js';
export * from './bijectors/radial.js';
export * from './bijectors/elementwise/shift.js';
export * from './bijectors/elementwise/scale.js';
export * from './bijectors/elementwise/elementwiseAffine.js';
export * from './bijectors/elementwise/exp.js';
export * from './bijectors/elementwise/softplus.js';
export * from './bijectors/elementwise/sigmoid.js';
export * from './bijectors/elementwise/logit.js';
export * from './bijectors/elementwise/tanh.js';
export * from './bijectors/elementwise/box.js';
export * from './bijectors/elementwise/spline.js';
export * from './bijectors/linear/luLinear.js';
export * from './bijectors/norm/actNorm.js';
export * from './bijectors/norm/batchNorm.js';

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
export * from './nn/standardize.js';
export * from './nn/embedding.js';
export * from './nn/conv1dEmbedding.js';
export * from './nn/slidingWindowEmbedding.js';
export * from './nn/poolWindows.js';
export { setFusedWindowKernel, fusedWindowPoolApplies } from './nn/fusedWindowPool.js';

export * from './flows/flow.js';
export * from './flows/builders.js';
export * from './flows/planarRadial.js';
export * from './flows/nsf.js';

export * from './train/adam.js';
export * from './train/snapshot.js';
export * from './train/dataset.js';
export * from './train/loop.js';
export * from './train/fit.js';
export * from './train/gradientWorkers.js';
export * from './train/fitFlow.js';
export * from './train/variational.js';
export * from './train/schedules.js';

export * from './io/format.js';
export * from './io/load.js';
export * from './data/toy2d.js';
export * from './data/mnist.js';
export * from './data/digits.js';

export * from './vae/network.js';
export * from './vae/conditionalDiagonalNormal.js';
export * from './vae/encoder.js';
export * from './vae/gaussianEncoder.js';
export * from './vae/flowEncoder.js';
export * from './vae/decoder.js';
export * from './vae/bernoulliDecoder.js';
export * from './vae/gaussianDecoder.js';
export * from './vae/vae.js';
export * from './vae/fitVAE.js';
export * from './vae/evaluate.js';

export { Xoshiro128, deriveSeed } from './sbi/simulation/simulationStreams.js';
export { poisson, poissonLogPmf, POISSON_MAX_MEAN } from './sbi/simulation/poisson.js';
export { UniformPrior, type Prior, type PriorBounds } from './sbi/simulation/prior.js';
export * from './sbi/simulation/gaussianPrior.js';
export * from './sbi/simulation/logNormalPrior.js';
export * from './sbi/simulation/productPrior.js';
export * from './sbi/simulation/simulator.js';
export * from './sbi/simulation/loadSimulator.js';
export * from './sbi/simulation/simulateDataset.js';
export * from './sbi/simulation/parallelRunner.js';
export * from './sbi/mcmc/stateSpace.js';
export * from './sbi/mcmc/particleFilter.js';
export * from './sbi/mcmc/linearGaussian.js';
export * from './sbi/mcmc/tuneParticles.js';
export * from './sbi/mcmc/adaptiveProposal.js';
export * from './sbi/mcmc/autocovariance.js';
export * from './sbi/mcmc/mcmcDiagnostics.js';
export * from './sbi/mcmc/pmmh.js';
export * from './sbi/features/featureModule.js';
export * from './sbi/features/pointwise.js';
export * from './sbi/features/compose.js';
export * from './sbi/features/seriesSummaries.js';
export * from './sbi/features/growthRegression.js';
export * from './sbi/npe/types.js';
export * from './sbi/npe/trainNPE.js';
export * from './sbi/npe/posterior.js';
export * from './sbi/npe/ensemble.js';
export * from './sbi/npe/truncation.js';
export * from './sbi/npe/truncatedSequential.js';
export * from './sbi/npe/importanceSampled.js';
export * from './sbi/abc.js';
export { posteriorFromDistribution, type MatrixInput } from './sbi/diagnostics/types.js';
export * from './sbi/diagnostics/statistics.js';
export * from './sbi/diagnostics/ranks.js';
export * from './sbi/diagnostics/sbc.js';
export * from './sbi/diagnostics/coverage.js';
export * from './sbi/diagnostics/c2st.js';
export * from './sbi/diagnostics/momentMismatch.js';
export * from './sbi/diagnostics/ppc.js';

// Bayesian models and samplers
export * from './bayes/logDensity.js';
export * from './bayes/mcmcResult.js';
export * from './bayes/mcse.js';
export { type SamplerOptions } from './bayes/sampler.js';
export * from './bayes/metropolis.js';
export * from './bayes/hmc.js';
export * from './bayes/nuts.js';
export * from './bayes/gaussian.js';
export * from './bayes/linearRegression.js';
export * from './bayes/normalInverseGamma.js';
export * from './bayes/bnn.js';
export * from './bayes/meanField.js';
export * from './bayes/flowPosterior.js';
export * from './bayes/predictiveMetrics.js';
