/**
 * Rendering: Vega-Lite spec → Vega spec (`vega-lite` compile) → SVG (a headless `vega.View`)
 * → PNG (`@resvg/resvg-js`, a Rust SVG rasterizer). Nothing is fetched at run time.
 *
 * Only the SVG → PNG step needs Node: resvg (a native addon) is loaded lazily by
 * {@link svgToPng}, so the spec builders and {@link vegaLiteToSvg} also work in a browser.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { FONT } from './theme.js';

/** Options of the PNG renderers. */
export interface RenderOptions {
  /** Pixel density: 2 (default) gives a sharp image at the spec's nominal size. */
  scale?: number;
  /** Background colour behind transparent parts (default white). */
  background?: string;
}

/** Compile a Vega-Lite spec to a Vega spec. */
export function vegaLiteToVega(spec: vl.TopLevelSpec): vega.Spec {
  try {
    return vl.compile(spec).spec;
  } catch (e) {
    throw new Error(`vegaLiteToVega: vega-lite could not compile the spec: ${(e as Error).message}`);
  }
}

/** Render a Vega spec to an SVG string with a headless view (no DOM, no canvas). */
export async function vegaToSvg(spec: vega.Spec): Promise<string> {
  let view: vega.View;
  try {
    view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.Error });
  } catch (e) {
    throw new Error(`vegaToSvg: vega could not parse the spec: ${(e as Error).message}`);
  }
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Render a Vega-Lite spec to an SVG string. */
export async function vegaLiteToSvg(spec: vl.TopLevelSpec): Promise<string> {
  return vegaToSvg(vegaLiteToVega(spec));
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
