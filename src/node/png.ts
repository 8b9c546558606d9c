/**
 * PNG output of the figures (Node only): SVG → PNG with `@resvg/resvg-js` (a Rust SVG rasterizer,
 * a native addon) and grayscale image grids with pngjs. The spec builders and SVG rendering they
 * start from are in the browser-safe `flowsbi/plot` entry.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as vega from 'vega';
import type * as vl from 'vega-lite';
import { FONT } from '../plot/theme.js';
import { vegaLiteToSvg, vegaToSvg } from '../plot/render.js';
import { contoursSpec, type ContoursOptions } from '../plot/contours.js';
import { coverageSpec, type CoverageCurve, type CoverageOptions } from '../plot/coverage.js';
import { trainingCurvesSpec, type CurveSeries, type TrainingCurvesOptions } from '../plot/curves.js';
import { heatmapSpec, type HeatmapOptions } from '../plot/heatmap.js';
import { latentScatterSpec, type LatentScatterOptions } from '../plot/latentScatter.js';
import { pairPlotSpec, type PairPlotOptions, type SampleSet } from '../plot/pairPlot.js';
import { sbcRanksSpec, type SbcRanksOptions } from '../plot/sbcRanks.js';
import { scatterPanelsSpec, type ScatterPanel, type ScatterPanelsOptions } from '../plot/scatter.js';
import { imageGridPixels, type ImageGridOptions } from '../plot/imageGrid.js';
import type { Grid2D } from '../plot/grid.js';
import type { Points2D } from '../plot/check.js';

/** Options of the PNG renderers. */
export interface RenderOptions {
  /** Pixel density: 2 (default) gives a sharp image at the spec's nominal size. */
  scale?: number;
  /** Background colour behind transparent parts (default white). */
  background?: string;
}

/** Rasterize an SVG string to PNG bytes (Node only: loads the resvg native addon). */
export async function svgToPng(svg: string, options: RenderOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (!(typeof scale === 'number' && scale > 0 && scale <= 16)) {
    throw new Error(`svgToPng: scale must be a number in (0, 16]; received ${String(scale)}`);
  }
  const mod = await import('@resvg/resvg-js');
  const Resvg = mod.Resvg ?? (mod as unknown as { default: typeof mod }).default.Resvg;
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
    fitTo: { mode: 'zoom', value: scale },
    background: options.background ?? 'white',
  });
  return resvg.render().asPng();
}

/** Render a Vega spec to PNG bytes. */
export async function renderVega(spec: vega.Spec, options: RenderOptions = {}): Promise<Buffer> {
  return svgToPng(await vegaToSvg(spec), options);
}

/** Render a Vega-Lite spec to PNG bytes. */
export async function renderVegaLite(spec: vl.TopLevelSpec, options: RenderOptions = {}): Promise<Buffer> {
  return svgToPng(await vegaLiteToSvg(spec), options);
}

/** Density contours with overlaid samples as PNG bytes (see {@link contoursSpec}). */
export async function plotContours(grid: Grid2D, options: ContoursOptions & RenderOptions = {}): Promise<Buffer> {
  return renderVega(contoursSpec(grid, options), options);
}

/** Expected-coverage curves as PNG bytes (see {@link coverageSpec}). */
export async function plotCoverage(curves: CoverageCurve[], options: CoverageOptions & RenderOptions = {}): Promise<Buffer> {
  return renderVegaLite(coverageSpec(curves, options), options);
}

/** Training curves as PNG bytes (see {@link trainingCurvesSpec}). */
export async function plotTrainingCurves(series: CurveSeries[], options: TrainingCurvesOptions & RenderOptions = {}): Promise<Buffer> {
  return renderVegaLite(trainingCurvesSpec(series, options), options);
}

/** Density heat map as PNG bytes (see {@link heatmapSpec}). */
export async function plotHeatmap(grid: Grid2D, options: HeatmapOptions & RenderOptions = {}): Promise<Buffer> {
  return renderVegaLite(heatmapSpec(grid, options), options);
}

/** Labelled 2-D points as PNG bytes (see {@link latentScatterSpec}). */
export async function plotLatentScatter(points: Points2D, labels: ArrayLike<number | string>, options: LatentScatterOptions & RenderOptions = {}): Promise<Buffer> {
  return renderVegaLite(latentScatterSpec(points, labels, options), options);
}

/** Pair plot as PNG bytes (see {@link pairPlotSpec}). */
export async function plotPairPlot(sets: SampleSet[], options: PairPlotOptions & RenderOptions = {}): Promise<Buffer> {
  return renderVegaLite(pairPlotSpec(sets, options), options);
}

/** SBC rank histograms as PNG bytes (see {@link sbcRanksSpec}). */
export async function plotSbcRanks(ranks: ReadonlyArray<ArrayLike<number>>, numPosteriorSamples: number, options: SbcRanksOptions & RenderOptions = {}): Promise<Buffer> {
  return renderVegaLite(sbcRanksSpec(ranks, numPosteriorSamples, options), options);
}

/** Side-by-side scatter panels as PNG bytes (see {@link scatterPanelsSpec}). */
export async function plotScatterPanels(
  panels: ScatterPanel[],
  options: ScatterPanelsOptions & RenderOptions = {},
): Promise<Buffer> {
  return renderVegaLite(scatterPanelsSpec(panels, options), options);
}

/** Tiled grayscale images as PNG bytes (Node only: pngjs; see {@link imageGridPixels}). */
export async function plotImageGrid(images: ReadonlyArray<ArrayLike<number>> | ArrayLike<number>, options: ImageGridOptions): Promise<Buffer> {
  const raster = imageGridPixels(images, options);
  const { PNG } = (await import('pngjs')).default;
  return PNG.sync.write({ width: raster.width, height: raster.height, data: Buffer.from(raster.data) } as never, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

/**
 * Write PNG bytes to `path`, creating missing parent directories. Accepts the bytes or the
 * promise a plot function returns: `await writePng('out/fig.png', plotHeatmap(grid))`.
 */
export async function writePng(path: string, png: Uint8Array | Promise<Uint8Array>): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) throw new Error(`writePng: path must be a non-empty string; received ${String(path)}`);
  const bytes = await png;
  if (!(bytes instanceof Uint8Array) || bytes.length < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x50) {
    throw new Error(`writePng: expected PNG bytes (starting with the PNG signature) for ${path}`);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
