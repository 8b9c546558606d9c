/**
 * Renders one example of every flowsbi figure from synthetic but realistic data, to look at them:
 *   npx tsx examples/plotGallery.ts [outDir]      (default /tmp/plots)
 */
import { Random } from '../src/random.js';
import { makeGrid } from '../src/plot/index.js';
import { plotContours, plotCoverage, plotHeatmap, plotImageGrid, plotLatentScatter, plotPairPlot, plotSbcRanks, plotScatterPanels, plotTrainingCurves, writePng } from '../src/node/png.js';

const out = process.argv[2] ?? '/tmp/plots';
const rng = new Random(2024);
const N = () => rng.normal();

/** Two moons (as scikit-learn's make_moons) with Gaussian noise. */
function moons(n: number, noise: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const t = Math.PI * rng.uniform();
    const [x, y] = i % 2 === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return [x + noise * N(), y + noise * N()];
  });
}

/** Seven-segment strokes of each digit (segments a..g as line endpoints in a 28 × 28 frame). */
const SEGMENTS: Record<string, [number, number, number, number]> = {
  a: [9, 5, 19, 5], b: [19, 5, 19, 14], c: [19, 14, 19, 23], d: [9, 23, 19, 23], e: [9, 14, 9, 23], f: [9, 5, 9, 14], g: [9, 14, 19, 14],
};
const DIGITS = ['abcdef', 'bc', 'abged', 'abgcd', 'fgbc', 'afgcd', 'afgedc', 'abc', 'abcdefg', 'abcdfg'];

/** A 28 × 28 digit-like image: slanted, jittered, anti-aliased thick strokes, values in [0, 1]. */
function digitImage(digit: number): number[] {
  const slant = 0.25 * N();
  const dx = 1.5 * N();
  const dy = 1.5 * N();
  const thick = 1.6 + 0.4 * rng.uniform();
  const segs = [...DIGITS[digit]].map((s) => SEGMENTS[s].map((v, k) => v + (k % 2 === 0 ? dx : dy) + 0.6 * N()));
  const img = new Array<number>(28 * 28).fill(0);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const px = x + slant * (y - 14);
      let dist = Infinity;
      for (const [x0, y0, x1, y1] of segs) {
        const t = Math.max(0, Math.min(1, ((px - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2 || 1)));
        dist = Math.min(dist, Math.hypot(px - x0 - t * (x1 - x0), y - y0 - t * (y1 - y0)));
      }
      img[y * 28 + x] = Math.max(0, Math.min(1, thick + 0.5 - dist));
    }
  }
  return img;
}

const files: string[] = [];
const save = async (name: string, png: Promise<Uint8Array>) => files.push(await writePng(`${out}/${name}.png`, png));

// 1. Density estimation: data beside flow samples.
await save('scatter_moons', plotScatterPanels(
  [{ title: 'data', points: moons(4000, 0.08) }, { title: 'flow samples', points: moons(4000, 0.11) }],
  { title: 'Two moons: data and a trained flow', xTitle: 'x₁', yTitle: 'x₂' },
));

// 2. Gaussian-mixture density heat maps (density and log density).
const comps = [[-1.5, -1, 0.6, 0.4], [1.5, 1, 0.8, 0.4], [1.5, -2, 0.4, 0.2]];
const g = makeGrid({ xDomain: [-4, 4], yDomain: [-4, 4], nx: 100 });
const mix = g.points.map(([x, y]) => comps.reduce((s, [mx, my, sd, w]) => s + (w * Math.exp(-((x - mx) ** 2 + (y - my) ** 2) / (2 * sd * sd))) / (2 * Math.PI * sd * sd), 0));
await save('heatmap_mixture', plotHeatmap({ x: g.x, y: g.y, values: mix }, { title: 'Flow density, 3-component mixture', xTitle: 'x₁', yTitle: 'x₂' }));
await save('heatmap_mixture_log', plotHeatmap({ x: g.x, y: g.y, values: mix }, { title: 'Same, log density', show: 'logDensity', xTitle: 'x₁', yTitle: 'x₂' }));

// 3. Variational inference: banana target contours and (slightly too narrow) flow samples.
const gb = makeGrid({ xDomain: [-4, 4], yDomain: [-3, 7], nx: 120, ny: 120 });
const banana = gb.points.map(([x, y]) => -0.5 * ((x * x) / 2 + 2 * (y - 0.5 * x * x) ** 2));
const flowSamples = Array.from({ length: 3000 }, () => {
  const x = 1.25 * N();
  return [x, 0.5 * x * x + 0.6 * N()];
});
await save('contours_banana', plotContours({ x: gb.x, y: gb.y, values: banana }, {
  input: 'logDensity', samples: flowSamples, samplesLabel: 'flow samples', title: 'Banana target and IAF samples', xTitle: 'z₁', yTitle: 'z₂',
}));

// 4. Training curves with early stopping.
const epochs = 120;
const train = Array.from({ length: epochs }, (_, i) => 1.1 + 2.4 * Math.exp(-i / 14) + 0.02 * N());
const val = Array.from({ length: epochs }, (_, i) => 1.22 + 2.4 * Math.exp(-i / 14) + 0.00003 * Math.max(0, i - 45) ** 2.5 + 0.04 * N());
const best = val.indexOf(Math.min(...val)) + 1;
await save('training_curves', plotTrainingCurves([{ name: 'train', values: train }, { name: 'validation', values: val }], {
  title: 'NPE training (negative log-likelihood)', yTitle: 'loss', bestEpoch: best,
}));

// 5. Pair plots: Ricker posterior from NPE and ABC with the true parameters; a 6-d one with 3 sets.
const truth = [3.8, 0.3, 10];
const npe = Array.from({ length: 4000 }, () => {
  const a = N();
  return [3.8 + 0.12 * a, 0.3 + 0.05 * (0.7 * a + 0.7 * N()), 10 + 1.1 * N()];
});
const abc = Array.from({ length: 1000 }, () => {
  const a = N();
  return [3.74 + 0.3 * a, 0.33 + 0.1 * (0.5 * a + 0.85 * N()), 10.6 + 2.6 * N()];
});
await save('pair_ricker', plotPairPlot([{ name: 'NPE', samples: npe }, { name: 'ABC', samples: abc }], {
  truth, names: ['log r', 'σ', 'φ'], title: 'Ricker model posterior',
}));
const d6 = (n: number, scale: number, shift: number) => Array.from({ length: n }, () => {
  const a = N();
  return Array.from({ length: 6 }, (_, j) => shift * (j % 2) + scale * (0.6 * a + 0.8 * N()) * (1 + j / 3));
});
await save('pair_6d_three_sets', plotPairPlot(
  [{ name: 'PMMH reference', samples: d6(3000, 0.5, 0) }, { name: 'NPE', samples: d6(2000, 0.55, 0.1) }, { name: 'ABC', samples: d6(800, 1, 0.3) }],
  { truth: [0, 0, 0, 0, 0, 0], diag: 'hist', title: '6 parameters, 3 sample sets (histograms on the diagonal)' },
));

// 6. Calibration: SBC ranks (one calibrated, one over-dispersed, one biased) and coverage.
const L = 100;
const ranks = Array.from({ length: 1000 }, () => [
  rng.int(L + 1),
  Math.floor(Math.min(0.999, Math.max(0, 0.5 + 0.22 * N())) * (L + 1)),
  Math.floor(Math.sqrt(rng.uniform()) * (L + 1)),
]);
await save('sbc_ranks', plotSbcRanks(ranks, L, { names: ['log r', 'σ', 'φ'] }));
const levels = Array.from({ length: 21 }, (_, i) => i / 20);
await save('coverage', plotCoverage([
  { name: 'log r', levels, coverage: levels.map((a) => Math.min(1, Math.max(0, a + 0.015 * N()))) },
  { name: 'σ (under-confident)', levels, coverage: levels.map((a) => a ** 0.7) },
  { name: 'φ (over-confident)', levels, coverage: levels.map((a) => a ** 1.5) },
], { numSimulations: 1000 }));

// 7. A 4 × 10 grid of digit-like images (rows: samples of digits 0-9).
await save('image_grid_digits', plotImageGrid(Array.from({ length: 40 }, (_, k) => digitImage(k % 10)), { height: 28, width: 28, cols: 10, scale: 3 }));

// 8. A VAE-like 2-D latent space coloured by class.
const latent: number[][] = [];
const labels: number[] = [];
for (let i = 0; i < 5000; i++) {
  const c = i % 10;
  const angle = (2 * Math.PI * c) / 10;
  latent.push([2.2 * Math.cos(angle) + 0.7 * N(), 2.2 * Math.sin(angle) + 0.7 * N()]);
  labels.push(c);
}
await save('latent_scatter', plotLatentScatter(latent, labels, { title: 'VAE latent means by digit class', labelTitle: 'digit' }));

console.log(files.join('\n'));
