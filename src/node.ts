/**
 * Node-only entry point (`flowsbi/node`): everything in the main entry plus helpers that use Node
 * modules (files, worker threads). The main entry stays loadable in a browser.
 */
export * from './index.js';
export * from './io/files.js';
export * from './util/progress.js';
export * from './train/epochProgress.js';
export * from './data/mnistFiles.js';
// Shadows the root entry's main-thread simulateDataset with the worker-thread one.
export { simulateDataset, nodeWorkerRunner } from './sbi/simulateNode.js';
