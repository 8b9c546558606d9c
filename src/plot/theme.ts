import type { Config, TopLevelSpec } from 'vega-lite';

/**
 * Shared look of the flowsbi figures: fonts, sizes and colours. DejaVu Sans is named explicitly
 * so that Vega's text layout and the resvg rasterizer agree on the font (see render.ts).
 */

/** Font family used in every chart (installed with most Linux distributions). */
export const FONT = 'DejaVu Sans';

/**
 * Categorical palette for named series and classes (Vega's "tableau10"): distinguishable for the
 * common forms of colour blindness in its first few entries.
 */
export const PALETTE = [
  '#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2',
  '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac',
] as const;

/** Colour of overlaid reference markers (true parameters, best epoch). */
export const MARKER_COLOR = '#222222';

/** Vega-Lite `config` block shared by all Vega-Lite charts. */
export const VL_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6', labelFlush: false },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', symbolOpacity: 1, labelLimit: 280 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  title: { fontSize: 14, subtitleFontSize: 11, anchor: 'start' },
  view: { stroke: '#bbbbbb' },
};

/** The categorical colour of series number i (cycles after ten). */
export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/**
 * A top-level Vega-Lite spec from a plain object, with the schema and the shared config added.
 * The builders assemble specs as plain objects (Vega-Lite's union types are too deep to spell out
 * here); every builder is compiled by the tests, which is where a malformed spec shows.
 */
export function vlSpec(body: Record<string, unknown>, config: Config = VL_CONFIG): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config, ...body } as unknown as TopLevelSpec;
}
