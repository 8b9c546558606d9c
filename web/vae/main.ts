/**
 * VAE latent explorer: the two VAEs shipped in data/vae/ (same decoder architecture, Gaussian
 * and IAF encoders), the map of the encoded test set, live decoding of any latent point, and
 * samples of q(z | x) of both encoders for a picked test digit.
 *
 * For tests and scripts: `#decoded` holds the last decoded digit (its pixels are the decoder's
 * Bernoulli means) with `data-z` (the latent point, JSON) and `data-model`.
 */
import * as tf from '@tensorflow/tfjs';
import { loadModelFromUrl, type VAE } from '../../src/index.js';
import { clearError, showError, startBackend } from '../common/backend.js';
import { Axes, CATEGORY_COLORS, type Range } from '../common/plot.js';
import { unpackBits } from './bits.js';

const MODELS = ['gaussian', 'iaf'] as const;
type ModelName = (typeof MODELS)[number];
const LABELS: Record<ModelName, string> = { gaussian: 'Gaussian', iaf: 'IAF' };
const POSTERIOR_SAMPLES = 300;
const STRIP = 24;

interface TestSet {
  count: number;
  width: number;
  height: number;
  labels: number[];
  pixels: string;
  means: Record<ModelName, number[][]>;
}
interface Metrics {
  models: Record<ModelName, { testElbo: number; testLogPx: number; gap: number; K: number; digits: number; epochs: number }>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const vaes = {} as Record<ModelName, VAE>;
let testSet: TestSet;
let images: Float32Array;
let view: { x: Range; y: Range };
let picked: { index: number; samples: Record<ModelName, number[][]> } | null = null;
let lastZ: { model: ModelName; z: [number, number] } | null = null;

function robustRange(values: number[]): Range {
  const s = [...values].sort((a, b) => a - b);
  const lo = s[Math.floor(0.005 * (s.length - 1))];
  const hi = s[Math.ceil(0.995 * (s.length - 1))];
  const pad = 0.1 * (hi - lo);
  return [lo - pad, hi + pad];
}

function mapAxes(model: ModelName): Axes {
  return new Axes($<HTMLCanvasElement>(`map-${model}`), view.x, view.y, { left: 30, bottom: 26 });
}

function drawMap(model: ModelName): void {
  const ax = mapAxes(model);
  ax.frame({ xLabel: 'z1' });
  const means = testSet.means[model];
  for (let k = 0; k < 10; k++) {
    const rows = means.filter((_, i) => testSet.labels[i] === k);
    ax.points(rows.map((r) => r[0]), rows.map((r) => r[1]), CATEGORY_COLORS[k], 1.3);
  }
  if (picked) {
    const s = picked.samples[model];
    ax.points(s.map((r) => r[0]), s.map((r) => r[1]), 'rgba(0,0,0,0.55)', 1.4);
    ax.marker(means[picked.index][0], means[picked.index][1], '#000', 7);
  }
  if (lastZ?.model === model) ax.marker(lastZ.z[0], lastZ.z[1], '#d62728', 6);
  // Class legend.
  const c = ax.ctx;
  c.font = '10px sans-serif';
  c.textAlign = 'left';
  for (let k = 0; k < 10; k++) {
    c.fillStyle = CATEGORY_COLORS[k];
    c.fillText(String(k), ax.left + 4 + 10 * k, ax.top + 11);
  }
}

/** The picked digit's q(z | x) draws of one encoder, zoomed to their own extent (their shape shows there). */
function drawZoom(model: ModelName): void {
  if (!picked) return;
  const s = picked.samples[model];
  const xs = s.map((r) => r[0]);
  const ys = s.map((r) => r[1]);
  const [x, y] = [robustRange(xs), robustRange(ys)];
  // The same scale on both axes, so that a round posterior looks round.
  const half = Math.max(x[1] - x[0], y[1] - y[0]) / 2;
  const [cx, cy] = [(x[0] + x[1]) / 2, (y[0] + y[1]) / 2];
  const ax = new Axes($<HTMLCanvasElement>(`zoom-${model}`), [cx - half, cx + half], [cy - half, cy + half], { left: 36, bottom: 20 });
  ax.frame();
  ax.points(xs, ys, model === 'gaussian' ? 'rgba(78,121,167,0.6)' : 'rgba(242,142,43,0.7)', 1.5);
}

function drawDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>): void {
  const { width, height } = testSet;
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(255 * (1 - pixels[i]));
    image.data.set([v, v, v, 255], 4 * i);
  }
  const small = document.createElement('canvas');
  small.width = width;
  small.height = height;
  small.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function decodeAt(model: ModelName, z: [number, number]): void {
  const pixels = tf.tidy(() => vaes[model].decoder.mean(tf.tensor2d([z])).dataSync());
  const canvas = $<HTMLCanvasElement>('decoded');
  drawDigit(canvas, pixels);
  canvas.dataset.z = JSON.stringify(z.map((v) => Number(v.toFixed(4))));
  canvas.dataset.model = model;
  $('decoded-info').textContent = `${LABELS[model]} VAE's decoder at z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
  lastZ = { model, z };
  MODELS.forEach(drawMap);
}

function pickDigit(index: number): void {
  if (!(Number.isInteger(index) && index >= 0 && index < testSet.count)) {
    throw new Error(`The test digit must be a whole number from 0 to ${testSet.count - 1}; received "${index}"`);
  }
  const pixels = images.subarray(index * 784, (index + 1) * 784);
  const x = tf.tensor2d(pixels, [1, 784]);
  const samples = {} as Record<ModelName, number[][]>;
  for (const model of MODELS) {
    samples[model] = tf.tidy(() => (vaes[model].encoder.sampleAndLogProb(x, POSTERIOR_SAMPLES, index + 1).z.arraySync() as number[][][])[0]);
  }
  x.dispose();
  picked = { index, samples };
  drawDigit($<HTMLCanvasElement>('picked'), pixels);
  MODELS.forEach(drawZoom);
  $('picked-info').textContent = `test digit ${index} (a ${testSet.labels[index]}): black dots are ${POSTERIOR_SAMPLES} draws of q(z | x) of each encoder`;
  MODELS.forEach(drawMap);
}

function showMetrics(metrics: Metrics): void {
  const f = (v: number) => v.toFixed(2);
  const rows = MODELS.map((m) => {
    const r = metrics.models[m];
    return `<tr><th>${LABELS[m]} encoder</th><td>${f(r.testElbo)}</td><td>${f(r.testLogPx)}</td><td>${f(r.gap)}</td><td>${r.epochs}</td></tr>`;
  });
  const K = metrics.models.gaussian.K;
  $('metrics').innerHTML =
    `<tr><th></th><th>test ELBO</th><th>log p(x) (IW, K = ${K})</th><th>gap</th><th>epochs</th></tr>` + rows.join('') +
    `<tr><td colspan="5" style="text-align:left">nats per digit, on ${metrics.models.gaussian.digits} held-out test digits; computed in Node by <code>npm run web:assets</code></td></tr>`;
}

function buildStrip(): void {
  const strip = $('digit-strip');
  for (let i = 0; i < Math.min(STRIP, testSet.count); i++) {
    const canvas = document.createElement('canvas');
    canvas.width = 28;
    canvas.height = 28;
    canvas.style.display = 'inline-block';
    canvas.style.cursor = 'pointer';
    canvas.style.border = '1px solid #ccc';
    canvas.title = `test digit ${i}`;
    canvas.dataset.index = String(i);
    drawDigit(canvas, images.subarray(i * 784, (i + 1) * 784));
    canvas.addEventListener('click', () => {
      $<HTMLInputElement>('digit-index').value = String(i);
      guarded(() => pickDigit(i));
    });
    strip.appendChild(canvas);
  }
}

function guarded(action: () => void): void {
  clearError();
  try {
    action();
  } catch (error) {
    showError(error);
  }
}

function attachMap(model: ModelName): void {
  const canvas = $<HTMLCanvasElement>(`map-${model}`);
  let dragging = false;
  const at = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const ax = mapAxes(model);
    const z = ax.toData(((event.clientX - rect.left) * canvas.width) / rect.width, ((event.clientY - rect.top) * canvas.height) / rect.height);
    guarded(() => decodeAt(model, z));
  };
  canvas.addEventListener('pointerdown', (e) => {
    dragging = true;
    at(e);
  });
  canvas.addEventListener('pointermove', (e) => dragging && at(e));
  window.addEventListener('pointerup', () => (dragging = false));
}

async function main(): Promise<void> {
  await startBackend();
  const [set, metrics] = await Promise.all(
    ['../data/vae/testset.json', '../data/vae/metrics.json'].map(async (url) => {
      const response = await fetch(new URL(url, location.href));
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return response.json();
    }),
  );
  testSet = set as TestSet;
  images = unpackBits(testSet.pixels, testSet.count * testSet.width * testSet.height);
  for (const model of MODELS) vaes[model] = (await loadModelFromUrl<VAE>(new URL(`../data/vae/${model}.json`, location.href))).module;
  const all = MODELS.flatMap((m) => testSet.means[m]);
  view = { x: robustRange(all.map((r) => r[0])), y: robustRange(all.map((r) => r[1])) };
  showMetrics(metrics as Metrics);
  buildStrip();
  MODELS.forEach((m) => {
    drawMap(m);
    attachMap(m);
  });
  $<HTMLInputElement>('digit-index').addEventListener('change', (e) => guarded(() => pickDigit(Number((e.target as HTMLInputElement).value))));
  $('decoded').dataset.ready = 'true';
}

main().catch(showError);
