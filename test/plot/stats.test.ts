import { describe, expect, test } from 'vitest';
import { trainingCurvesSpec } from '../../src/plot/curves.js';
import { plotTrainingCurves } from '../../src/node/png.js';
import { pairPlotSpec } from '../../src/plot/pairPlot.js';
import { plotPairPlot } from '../../src/node/png.js';
import { coverageSpec, sbcRanksSpec } from '../../src/plot/calibration.js';
import { plotCoverage, plotSbcRanks } from '../../src/node/png.js';
import { binomialInterval, binomialQuantile } from '../../src/plot/binomial.js';
import { vegaLiteToVega } from '../../src/plot/render.js';
import { expectPng, normals } from './png.js';

const z = normals(3000, 3);

describe('statistical charts', () => {
  test('training curves, with best epoch and log scale', async () => {
    const train = Array.from({ length: 60 }, (_, i) => 2 * Math.exp(-i / 10) + 1);
    const val = train.map((v, i) => v + 0.1 + (i % 5 === 0 ? 0 : NaN) * 0); // all finite
    expectPng(await plotTrainingCurves([{ name: 'train', values: train }, { name: 'val', values: val }], { bestEpoch: 40, yScale: 'log', scale: 1 }), 400, 250);
    expect(() => trainingCurvesSpec([{ name: 'nll', values: [1, -0.5] }], { yScale: 'log' })).toThrow(/yScale 'log' needs values > 0.*symlog/);
    expect(() => trainingCurvesSpec([{ name: 'a', values: [1, 2], epochs: [1] }])).toThrow(/has 2 values but 1 epochs/);
    // Gaps (NaN) are skipped, and symlog compiles.
    vegaLiteToVega(trainingCurvesSpec([{ name: 'a', values: [1, NaN, -2] }], { yScale: 'symlog' }));
  });

  test('pair plot of two sets with truth, densities and histograms', async () => {
    const a = Array.from({ length: 600 }, (_, i) => [z[3 * i], 0.5 * z[3 * i + 1] + z[3 * i], 2 + z[3 * i + 2]]);
    const b = Array.from({ length: 300 }, (_, i) => [1.5 * z[i], z[i + 1000], 2 + 2 * z[i + 2000]]);
    const sets = [{ name: 'NPE', samples: a }, { name: 'ABC', samples: b }];
    const img = expectPng(await plotPairPlot(sets, { truth: [0, 0, 2], names: ['a', 'b', 'c'], scale: 1 }), 450, 450);
    expect(Math.abs(img.width - img.height)).toBeLessThan(0.3 * img.width);
    vegaLiteToVega(pairPlotSpec(sets, { diag: 'hist' }));
    expect(() => pairPlotSpec([{ name: 'x', samples: a }, { name: 'y', samples: [[1, 2]] }])).toThrow(/pairPlotSpec: sets\[1\]\.samples \("y"\) must have shape \[n, 3\]; row 0/);
    expect(() => pairPlotSpec(sets, { truth: [1, 2] })).toThrow(/truth must have d = 3 entries; received 2/);
  });

  test('SBC rank histograms and coverage', async () => {
    const L = 99;
    const ranks = Array.from({ length: 400 }, (_, i) => [i % 100, Math.min(L, Math.floor(100 * Math.abs(z[i]) / 3))]);
    expectPng(await plotSbcRanks(ranks, L, { scale: 1 }), 300, 150);
    // Every rank once: after rescaling bins of 3 and 4 ranks to equal width, all bars are equal.
    const every = Array.from({ length: 101 }, (_, r) => [r]);
    const rows = (sbcRanksSpec(every, 100, { bins: 30 }) as unknown as { data: { values: { count: number; x0: number; x1: number }[] } }).data.values;
    expect(rows.map((r) => r.x1 - r.x0).sort()).toContain(4);
    for (const r of rows) expect(r.count).toBeCloseTo(101 / 30, 10);
    expect(() => sbcRanksSpec([[0.5]], 10)).toThrow(/ranks must be integers in \[0, 10\]; ranks\[0\]\[0\] is 0.5/);
    const levels = Array.from({ length: 11 }, (_, i) => i / 10);
    expectPng(await plotCoverage([{ name: 'all', levels, coverage: levels.map((l) => l ** 1.2) }], { numSimulations: 200, scale: 1 }), 300, 300);
    expect(() => coverageSpec([{ name: 'x', levels: [0, 1], coverage: [0] }])).toThrow(/has 2 levels but 1 coverage values/);
  });

  test('binomial quantiles', () => {
    // Binomial(10, 1/2): P(K <= 1) = 11/1024 ~ 0.0107, P(K <= 0) ~ 0.00098.
    expect(binomialQuantile(10, 0.5, 0.01)).toBe(1);
    expect(binomialQuantile(10, 0.5, 0.5)).toBe(5);
    expect(binomialQuantile(10, 0.5, 1)).toBe(10);
    const [lo, hi] = binomialInterval(10000, 0.05, 0.99);
    // Normal approximation: 500 ± 2.576 · sqrt(475) = 500 ± 56.1.
    expect(Math.abs(lo - 444)).toBeLessThanOrEqual(2);
    expect(Math.abs(hi - 556)).toBeLessThanOrEqual(2);
  });
});
