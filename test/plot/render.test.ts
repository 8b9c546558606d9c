import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteToSvg, vegaLiteToVega } from '../../src/plot/render.js';
import { renderVegaLite, svgToPng } from '../../src/node/png.js';
import { writePng } from '../../src/node/png.js';
import { expectPng, PNG_SIGNATURE } from './png.js';

const spec: TopLevelSpec = {
  width: 200,
  height: 150,
  data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }, { x: 3, y: 1 }] },
  mark: 'point',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

describe('render', () => {
  test('Vega-Lite to SVG to PNG, scaled', async () => {
    const svg = await vegaLiteToSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    const one = expectPng(await renderVegaLite(spec, { scale: 1 }), 200, 150);
    const two = expectPng(await renderVegaLite(spec), 400, 300);
    expect(two.width).toBe(2 * one.width);
  });

  test('clear errors', async () => {
    expect(() => vegaLiteToVega({ mark: 'nonsense' } as unknown as TopLevelSpec)).toThrow(/vegaLiteToVega/);
    await expect(svgToPng('<svg/>', { scale: 0 })).rejects.toThrow(/svgToPng: scale/);
  });

  test('writePng creates directories and checks the bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowsbi-plot-'));
    try {
      const path = await writePng(join(dir, 'a', 'b.png'), renderVegaLite(spec, { scale: 1 }));
      expect(Array.from(readFileSync(path).subarray(0, 8))).toEqual(PNG_SIGNATURE);
      await expect(writePng(join(dir, 'c.png'), new Uint8Array([1, 2, 3]))).rejects.toThrow(/writePng/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
