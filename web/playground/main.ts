/**
 * Flow playground: maximum-likelihood training of a 2-D flow in the page, in chunks of a few
 * steps with a turn for the browser in between (so the page stays responsive and the stop button
 * works), redrawing the loss curve, the density heat map and samples as it goes.
 *
 * For tests and scripts: `#status` reads idle / training / done / stopped; `#step` the steps run;
 * `#loss-curve` carries `data-train-loss` (JSON, mean loss per chunk of 5 steps) and `#density`
 * `data-drawn-step` (the step of the last heat map).
 */
import * as tf from '@tensorflow/tfjs';
import { checkerboard, maf, nsf, planarFlow, realNVP, ringOfGaussians, toRandom, TrainingLoop, twoMoons, type Flow } from '../../src/index.js';
import { clearError, showError, startBackend, yieldToBrowser } from '../common/backend.js';
import { Axes, type Range } from '../common/plot.js';

const STEPS_PER_CHUNK = 5;
const BATCH = 256;
const GRID = 64;
const POOL = 4000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const datasetSelect = $<HTMLSelectElement>('dataset');
const flowSelect = $<HTMLSelectElement>('flow');
const trainButton = $<HTMLButtonElement>('train');
const stopButton = $<HTMLButtonElement>('stop');
const clearButton = $<HTMLButtonElement>('clear-drawing');
const dataCanvas = $<HTMLCanvasElement>('data-canvas');
const densityCanvas = $<HTMLCanvasElement>('density');
const lossCanvas = $<HTMLCanvasElement>('loss-curve');

const VIEW: Range = [-3, 3];
let drawn: number[][] = [];
let stopRequested = false;
let running = false;

function datasetPoints(kind: string, n: number, seed: number): number[][] {
  switch (kind) {
    case 'moons':
      // Centred and scaled to fill the view like the others.
      return twoMoons(n, seed).map(([x, y]) => [1.6 * (x - 0.5), 1.6 * (y - 0.25)]);
    case 'ring':
      return ringOfGaussians().sample(n, seed);
    case 'checkerboard':
      return checkerboard(n, seed);
    case 'draw': {
      if (drawn.length < 10) throw new Error(`Draw at least 10 points in the data panel first (you have ${drawn.length}): click and drag.`);
      // The drawn points, each with a little noise so the density has some width.
      const r = toRandom(seed);
      return Array.from({ length: n }, () => {
        const p = drawn[Math.floor(r.uniform() * drawn.length)];
        return [p[0] + 0.08 * r.normal(), p[1] + 0.08 * r.normal()];
      });
    }
    default:
      throw new Error(`unknown dataset ${kind}`);
  }
}

function buildFlow(kind: string, seed: number): Flow {
  switch (kind) {
    case 'maf':
      return maf({ dim: 2, transforms: 5, hidden: [64, 64], seed });
    case 'nsf':
      return nsf({ dim: 2, transforms: 4, hidden: [64, 64], bins: 8, bound: 4, seed });
    case 'realnvp':
      return realNVP({ dim: 2, transforms: 8, hidden: [64, 64], seed });
    case 'planar':
      return planarFlow({ dim: 2, layers: 16, seed });
    default:
      throw new Error(`unknown flow ${kind}`);
  }
}

function drawData(data: number[][], samples: number[][] | null): void {
  const ax = new Axes(dataCanvas, VIEW, VIEW);
  ax.frame();
  ax.points(data.map((p) => p[0]), data.map((p) => p[1]), 'rgba(80,80,80,0.35)', 1.2);
  if (samples) ax.points(samples.map((p) => p[0]), samples.map((p) => p[1]), 'rgba(230,120,20,0.8)', 1.3);
}

const gridPoints = tf.tidy(() => {
  const cells: number[][] = [];
  for (let row = 0; row < GRID; row++) {
    for (let col = 0; col < GRID; col++) {
      // Row 0 is the top of the picture (largest y).
      cells.push([VIEW[0] + ((col + 0.5) / GRID) * (VIEW[1] - VIEW[0]), VIEW[1] - ((row + 0.5) / GRID) * (VIEW[1] - VIEW[0])]);
    }
  }
  return tf.keep(tf.tensor2d(cells));
});

function drawDensity(flow: Flow, step: number): void {
  const density = tf.tidy(() => tf.exp(flow.logProb(gridPoints)).dataSync());
  const ax = new Axes(densityCanvas, VIEW, VIEW);
  ax.frame();
  ax.heatmap(density, GRID, GRID);
  densityCanvas.dataset.drawnStep = String(step);
}

function drawLoss(train: number[], heldOut: number[]): void {
  const all = [...train, ...heldOut].filter(Number.isFinite);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const ax = new Axes(lossCanvas, [0, Math.max(1, train.length) * STEPS_PER_CHUNK], [lo - 0.05 * (hi - lo + 1e-9), hi + 0.05 * (hi - lo + 1e-9)], { left: 44 });
  ax.frame({ xLabel: 'step' });
  const xs = train.map((_, i) => (i + 1) * STEPS_PER_CHUNK);
  ax.line(xs, train, '#4e79a7');
  ax.line(xs, heldOut, '#f28e2b', 1);
  lossCanvas.dataset.trainLoss = JSON.stringify(train.map((v) => Number(v.toFixed(5))));
}

async function train(): Promise<void> {
  clearError();
  const steps = Number(($<HTMLInputElement>('steps')).value);
  const learningRate = Number(($<HTMLInputElement>('lr')).value);
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`steps must be a positive whole number; received "${$<HTMLInputElement>('steps').value}"`);
  if (!(learningRate > 0 && learningRate < 1)) throw new Error(`the learning rate must be between 0 and 1; received "${$<HTMLInputElement>('lr').value}"`);
  const seed = 1;
  const data = datasetPoints(datasetSelect.value, POOL, seed);
  const heldOutData = datasetPoints(datasetSelect.value, 1000, seed + 1);
  const flow = buildFlow(flowSelect.value, seed);
  const x = tf.tensor2d(data);
  const heldOut = tf.tensor2d(heldOutData);
  const random = toRandom(seed + 2);
  // Each chunk of steps is one "epoch" of the library's training loop, validated on held-out data.
  const loop = new TrainingLoop('playground', flow, { learningRate, maxEpochs: Math.ceil(steps / STEPS_PER_CHUNK), patience: 1e9, lossCheckEvery: STEPS_PER_CHUNK });
  const heldOutLoss: number[] = [];
  let step = 0;
  let lastDraw = 0;
  running = true;
  stopRequested = false;
  $('status').textContent = 'training';
  trainButton.disabled = true;
  stopButton.disabled = false;
  try {
    while (step < steps && !stopRequested && loop.beginEpoch()) {
      const t0 = performance.now();
      const chunk = Math.min(STEPS_PER_CHUNK, steps - step);
      for (let i = 0; i < chunk; i++) {
        const rows = Int32Array.from({ length: BATCH }, () => Math.floor(random.uniform() * POOL));
        loop.step(() => {
          const batch = tf.gather(x, tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
          return tf.neg(tf.mean(flow.logProb(batch))) as tf.Scalar;
        }, BATCH);
      }
      step += chunk;
      const msPerStep = (performance.now() - t0) / chunk;
      const validation = tf.tidy(() => -tf.mean(flow.logProb(heldOut)).dataSync()[0]);
      heldOutLoss.push(validation);
      loop.endEpoch(validation);
      $('step').textContent = String(step);
      $('speed').textContent = msPerStep.toFixed(1);
      // Redraw the slower pictures about twice a second, and at the end.
      if (performance.now() - lastDraw > 500 || step >= steps) {
        const losses = loop.trainLosses;
        $('loss').textContent = losses[losses.length - 1].toFixed(3);
        drawLoss([...losses], heldOutLoss);
        drawDensity(flow, step);
        const samples = tf.tidy(() => flow.sample(500, { seed: step }).arraySync());
        drawData(data.slice(0, 1500), samples);
        lastDraw = performance.now();
      }
      await yieldToBrowser();
    }
  } finally {
    const history = loop.finish(stopRequested ? 'callback' : 'maxEpochs');
    if (history.trainLoss.length) {
      drawLoss(history.trainLoss, heldOutLoss);
      drawDensity(flow, step);
    }
    tf.dispose([x, heldOut]);
    flow.dispose();
    running = false;
    $('status').textContent = stopRequested ? 'stopped' : 'done';
    trainButton.disabled = false;
    stopButton.disabled = true;
  }
}

function showDataset(): void {
  clearButton.hidden = datasetSelect.value !== 'draw';
  try {
    drawData(datasetSelect.value === 'draw' ? drawn : datasetPoints(datasetSelect.value, 1500, 1), null);
  } catch {
    drawData(drawn, null);
  }
}

// Drawing: click or drag in the data panel while "draw" is selected.
let drawing = false;
function addPoint(event: PointerEvent): void {
  if (!drawing || datasetSelect.value !== 'draw' || running) return;
  const rect = dataCanvas.getBoundingClientRect();
  const ax = new Axes(dataCanvas, VIEW, VIEW);
  const [x, y] = ax.toData(((event.clientX - rect.left) * dataCanvas.width) / rect.width, ((event.clientY - rect.top) * dataCanvas.height) / rect.height);
  if (Math.abs(x) <= 3 && Math.abs(y) <= 3) drawn.push([x, y]);
  drawData(drawn, null);
}
dataCanvas.addEventListener('pointerdown', (e) => {
  drawing = true;
  addPoint(e);
});
dataCanvas.addEventListener('pointermove', addPoint);
window.addEventListener('pointerup', () => (drawing = false));
clearButton.addEventListener('click', () => {
  drawn = [];
  showDataset();
});
datasetSelect.addEventListener('change', showDataset);
trainButton.addEventListener('click', () => train().catch(showError));
stopButton.addEventListener('click', () => (stopRequested = true));

trainButton.disabled = true;
startBackend()
  .then(() => {
    trainButton.disabled = false;
    showDataset();
  })
  .catch(showError);
