/**
 * flowsbi/plot: the figures of the examples and pipelines as Vega-Lite (or Vega) specs, and their
 * rendering to SVG. Browser-safe: a page renders a spec itself (vega-embed) or shows the SVG.
 * Plot functions take plain arrays (call `tensor.arraySync()` first). PNG output (`plotPairPlot`,
 * `svgToPng`, `writePng`, ...) needs Node and is in the `flowsbi/node` entry.
 */
export * from './render.js';
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
