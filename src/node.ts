/**
 * Node-only entry point (`flowsbi/node`): everything in the main entry plus helpers that use Node
 * modules (files, worker threads). The main entry stays loadable in a browser.
 */
export * from './index.js';
export * from './node/files.js';
export * from './node/progress.js';
export * from './node/epochProgress.js';
export * from './node/mnistFiles.js';
// Shadows the root entry's main-thread simulateDataset with the worker-thread one.
export { simulateDataset, nodeWorkerRunner } from './node/simulateDataset.js';
