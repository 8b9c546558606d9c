import { describe, expect, test } from 'vitest';
import * as vega from 'vega';
import { scatterPanelsSpec } from '../../src/plot/scatter.js';
import { plotScatterPanels } from '../../src/node/png.js';
import { heatmapSpec } from '../../src/plot/heatmap.js';
import { plotHeatmap } from '../../src/node/png.js';
import { contoursSpec } from '../../src/plot/contours.js';
import { plotContours } from '../../src/node/png.js';
import { latentScatterSpec } from '../../src/plot/latentScatter.js';
import { plotLatentScatter } from '../../src/node/png.js';
import { makeGrid } from '../../src/plot/grid.js';
import { expectPng, normals } from './png.js';

const z = normals(2000, 7);
const cloud = Array.from({ length: 1000 }, (_, i) => [z[2 * i], 0.5 * z[2 * i + 1]]);

/** Isotropic standard normal centred at (1, 2), on a grid that is not centred on it. */
function gaussGrid(nx = 101, ny = 91) {
  const g = makeGrid({ xDomain: [-3, 5], yDomain: [-1, 6], nx, ny });
  return { x: g.x, y: g.y, values: g.points.map(([x, y]) => -0.5 * ((x - 1) ** 2 + (y - 2) ** 2)) };
}

describe('2-D charts', () => {
  test('scatter panels with overlay', async () => {
    const png = await plotScatterPanels(
      [{ title: 'data', points: cloud }, { title: 'flow samples', points: { x: z.slice(0, 500), y: z.slice(500, 1000) } }],
      { overlay: { points: [[0, 0]], label: 'truth' }, scale: 1 },
    );
    const img = expectPng(png, 500, 250);
    expect(img.width).toBeGreaterThan(1.5 * img.height); // two panels side by side
  });

  test('scatter errors name the function and the shape', () => {
    expect(() => scatterPanelsSpec([{ title: 'a', points: [[1, 2], [3]] }])).toThrow(/scatterPanelsSpec: panels\[0\]\.points must be rows \[x, y\].*row 1/);
    expect(() => scatterPanelsSpec([{ title: 'a', points: { x: [1, 2], y: [1] } }])).toThrow(/equal lengths; received 2 and 1/);
    expect(() => scatterPanelsSpec([])).toThrow(/non-empty/);
  });

  test('heat map of a density and of a log density', async () => {
    const g = gaussGrid(41, 31);
    expectPng(await plotHeatmap(g, { input: 'logDensity', scale: 1 }), 300, 250);
    expectPng(await plotHeatmap({ ...g, values: g.values.map(Math.exp) }, { show: 'logDensity', scale: 1 }), 300, 250);
    expect(() => heatmapSpec({ x: [0, 1], y: [0, 1, 2], values: [1, 2, 3, 4] })).toThrow(/heatmapSpec: flat grid.values must have ny \* nx = 3 \* 2 = 6 entries; received 4/);
    expect(() => heatmapSpec({ x: [0, 1], y: [0, 1], values: [1, -2, 3, 4] })).toThrow(/densities must be >= 0/);
  });

  test('contours render and sit where the density is', async () => {
    const g = gaussGrid();
    expectPng(await plotContours(g, { input: 'logDensity', samples: cloud, scale: 1 }), 300, 250);
    // The 50% region of N((1, 2), I) is the disc of radius sqrt(-2 ln 0.5) = 1.1774.
    const view = new vega.View(vega.parse(contoursSpec(g, { input: 'logDensity', masses: [0.5] })), { renderer: 'none' });
    await view.runAsync();
    const [c] = view.data('contours') as { contour: { coordinates: number[][][][] } }[];
    const pts = c.contour.coordinates.flat(2) as unknown as number[][];
    const xs = pts.map((p) => view.scale('x').invert(p[0]) as number);
    const ys = pts.map((p) => view.scale('y').invert(p[1]) as number);
    const r = Math.sqrt(-2 * Math.log(0.5));
    expect(Math.min(...xs)).toBeCloseTo(1 - r, 1);
    expect(Math.max(...xs)).toBeCloseTo(1 + r, 1);
    expect(Math.min(...ys)).toBeCloseTo(2 - r, 1);
    expect(Math.max(...ys)).toBeCloseTo(2 + r, 1);
    view.finalize();
  });

  test('latent scatter coloured by class', async () => {
    const labels = cloud.map((_, i) => i % 10);
    expectPng(await plotLatentScatter(cloud, labels, { scale: 1 }), 300, 250);
    expect(() => latentScatterSpec(cloud, labels.slice(1))).toThrow(/latentScatterSpec: points and labels must have equal lengths; received 1000 points and 999 labels/);
  });
});
