/**
 * flowsbi/plot: figures for the examples and command-line pipelines, and a terminal progress bar.
 *
 * A separate entry point (`import { plotPairPlot } from 'flowsbi/plot'`) because rendering needs
 * Node-only or heavy packages (vega, vega-lite, the resvg native addon, pngjs, cli-progress); the
 * main entry `flowsbi` stays free of them. Plot functions take plain arrays (call
 * `tensor.arraySync()` first) and resolve to PNG bytes; `writePng` saves them. Every chart also
 * has a `...Spec` builder returning its Vega-Lite (or Vega) spec, which needs no Node APIs.
 */
export * from './render.js';
export * from '../node/writePng.js';
export * from './theme.js';
export type { Points2D } from './check.js';
export { makeGrid, type Grid2D } from './grid.js';
export * from './binomial.js';
export * from './scatter.js';
export * from './heatmap.js';
export * from './contours.js';
export * from './curves.js';
export * from './pairPlot.js';
export * from './calibration.js';
export * from './imageGrid.js';
export * from './latentScatter.js';
export * from '../node/progress.js';
