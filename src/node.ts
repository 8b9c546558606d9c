/**
 * Node-only entry point (`flowsbi/node`): everything in the root entry plus what needs Node's
 * modules: model files (`saveModel` / `loadModel`), worker-thread simulation, MNIST files, progress
 * bars, PNG output of the figures and data-parallel training (`dataParallel`). The root entry stays loadable in a browser.
 */
export * from './index.js';
export * from './node/files.js';
export * from './node/progress.js';
export * from './node/epochProgress.js';
export * from './node/mnistFiles.js';
export * from './node/png.js';
export { dataParallel, defaultHelpers, type DataParallelOptions } from './node/dataParallel.js';
// Shadows the root entry's main-thread simulateDataset with the worker-thread one.
export { simulateDataset, nodeWorkerRunner } from './node/simulateDataset.js';
