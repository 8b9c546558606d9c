/**
 * Rendering without Node: Vega-Lite spec → Vega spec (`vega-lite` compile) → SVG (a headless
 * `vega.View`). The SVG → PNG step needs the resvg native addon and lives in the Node entry
 * (`src/node/png.ts`); a browser shows the SVG or hands the spec to vega-embed.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';

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
