/**
 * The Ricker model as a plug-in (`flowsbi/ricker`): the simulator and its prior, the summary
 * statistics, the feature module its posteriors condition on, the state-space form for particle
 * MCMC, and the NPE defaults. It uses only the core's generic interfaces (Prior, Simulator,
 * StateSpaceModel, feature modules); the core never imports it.
 */
export * from './ricker.js';
export * from './summaries.js';
export * from './features.js';
export * from './stateSpace.js';
export * from './npe.js';
export * from './importance.js';
