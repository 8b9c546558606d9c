/**
 * Ricker posterior explorer: simulate a series from slider values (or paste/upload one), sample
 * the amortized posterior for it, and draw the pair plot, marginal summaries and posterior-
 * predictive bands, with the time from the click to the drawn posterior.
 *
 * For tests and scripts: `#download-csv` is a link to the samples as CSV (header `logr,sigma,phi`,
 * as the CLI writes them) once a posterior is drawn; `#timing` has `data-elapsed-ms` (click to
 * drawn posterior) and `data-sample-ms`, and `data-ess` when `#importance` is checked (draws
 * importance-sampled against the particle-filter likelihood, as the command line does by default);
 * `#error` shows any problem with the input.
 */
import { summarizeDraws } from '../../src/index.js';
import { clearError, showError, startBackend } from '../common/backend.js';
import { Axes } from '../common/plot.js';
import { importanceSample, loadRickerPosterior, PARAMETERS, samplePosterior, simulateRicker, type RickerPosterior } from './posteriorLoader.js';
import { parseSeries } from './parseSeries.js';

const PREDICTIVE_DRAWS = 200;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const sliders = ['logr', 'sigma', 'phi'].map((id) => $<HTMLInputElement>(id));
const digits = [2, 2, 1];
let loaded: RickerPosterior | null = null;
let csvUrl: string | null = null;

function nonNegativeInt(id: string, label: string, min = 0): number {
  const text = $<HTMLInputElement>(id).value;
  const v = Number(text);
  if (!(Number.isInteger(v) && v >= min)) throw new Error(`${label} must be a whole number >= ${min}; received "${text}"`);
  return v;
}

/** Sample, summarise and draw; t0 is the time of the click that started it. */
async function answer(series: number[], trueTheta: number[] | null, t0: number): Promise<void> {
  if (!loaded) throw new Error('The posterior is not loaded yet.');
  const n = nonNegativeInt('samples', 'The number of posterior samples', 10);
  if (n > 20000) throw new Error(`At most 20000 posterior samples; received ${n}`);
  const seed = nonNegativeInt('seed', 'The sampling seed');
  const tSample = performance.now();
  const corrected = $<HTMLInputElement>('importance').checked ? importanceSample(loaded, series, n, seed) : null;
  const samples = corrected ? corrected.samples : samplePosterior(loaded, series, n, seed);
  const sampleMs = performance.now() - tSample;
  const summary = summarizeDraws([samples], 3);
  drawPairPlot(samples, trueTheta);
  drawSeries(series, samples, seed);
  drawSummary(summary, trueTheta);
  offerCsv(samples);
  // Measure up to the frame that shows the drawing.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const elapsed = performance.now() - t0;
  const timing = $('timing');
  const how = corrected
    ? `, importance-sampled from ${corrected.proposals} proposals, effective sample size ${corrected.ess.toFixed(0)}${corrected.ess < 50 ? ': few distinct draws, treat with care' : ''}`
    : '';
  timing.textContent = `posterior of ${n} samples drawn ${elapsed.toFixed(0)} ms after the click (sampling ${sampleMs.toFixed(0)} ms${how}) on the ${$('backend').textContent} backend.`;
  timing.dataset.elapsedMs = elapsed.toFixed(1);
  timing.dataset.sampleMs = sampleMs.toFixed(1);
  if (corrected) timing.dataset.ess = corrected.ess.toFixed(2);
  else delete timing.dataset.ess;
}

function drawPairPlot(samples: Float64Array, trueTheta: number[] | null): void {
  const canvas = $<HTMLCanvasElement>('pair-plot');
  canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
  const size = canvas.width / 3;
  const cols = PARAMETERS.map((_, j) => Float64Array.from({ length: samples.length / 3 }, (_, i) => samples[3 * i + j]));
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col <= row; col++) {
      const box = { left: col * size, top: row * size, width: size, height: size };
      const px = PARAMETERS[col];
      const ax = new Axes(canvas, [px.low, px.high], [PARAMETERS[row].low, PARAMETERS[row].high], { left: 34, bottom: 28, top: 6, right: 8 }, box);
      if (row === col) {
        ax.frame({ xLabel: px.name, yTicks: false });
        ax.histogram(cols[col], 40, '#4e79a7');
        if (trueTheta) ax.vertical(trueTheta[col], '#d62728');
      } else {
        ax.frame({ xLabel: px.name, yLabel: PARAMETERS[row].name });
        ax.points(cols[col], cols[row], 'rgba(78,121,167,0.25)', 1);
        if (trueTheta) ax.marker(trueTheta[col], trueTheta[row], '#d62728');
      }
    }
  }
}

function drawSeries(series: number[], samples: Float64Array, seed: number): void {
  const T = series.length;
  const m = Math.min(PREDICTIVE_DRAWS, samples.length / 3);
  const replicated = simulateRicker(samples.subarray(0, 3 * m), m, T, seed + 1);
  // Draws whose simulation overflowed (NaN rows) are left out of the bands.
  const rows: number[] = [];
  for (let i = 0; i < m; i++) if (!Number.isNaN(replicated[i * T])) rows.push(i);
  const finite = Float64Array.from(rows.flatMap((i) => Array.from(replicated.subarray(i * T, (i + 1) * T))));
  const bands = summarizeDraws([finite], T);
  const ts = Array.from({ length: T }, (_, t) => t + 1);
  const top = Math.max(1, ...series, ...bands.map((b) => b.q95)) * 1.05;
  const ax = new Axes($<HTMLCanvasElement>('series-plot'), [1, T], [0, top], { left: 44 });
  ax.frame({ xLabel: 'time step t', yLabel: 'count y_t' });
  ax.band(ts, bands.map((b) => b.q05), bands.map((b) => b.q95), 'rgba(78,121,167,0.25)');
  ax.line(ts, bands.map((b) => b.q50), '#4e79a7', 1.2);
  ax.line(ts, series, '#111', 1.5);
  ax.points(ts, series, '#111', 2);
}

function drawSummary(summary: ReturnType<typeof summarizeDraws>, trueTheta: number[] | null): void {
  const head = `<tr><th></th><th>mean</th><th>sd</th><th>5%</th><th>median</th><th>95%</th>${trueTheta ? '<th>true</th>' : ''}</tr>`;
  const rows = summary.map((s, j) => {
    const f = (v: number) => v.toFixed(3);
    return `<tr><th>${PARAMETERS[j].name}</th><td>${f(s.mean)}</td><td>${f(s.sd)}</td><td>${f(s.q05)}</td><td>${f(s.q50)}</td><td>${f(s.q95)}</td>${trueTheta ? `<td>${trueTheta[j]}</td>` : ''}</tr>`;
  });
  $('summary').innerHTML = head + rows.join('');
}

function offerCsv(samples: Float64Array): void {
  const lines = ['logr,sigma,phi'];
  for (let i = 0; i < samples.length; i += 3) lines.push(`${samples[i].toPrecision(9)},${samples[i + 1].toPrecision(9)},${samples[i + 2].toPrecision(9)}`);
  if (csvUrl) URL.revokeObjectURL(csvUrl);
  csvUrl = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
  const link = $<HTMLAnchorElement>('download-csv');
  link.href = csvUrl;
  link.hidden = false;
}

function run(task: () => Promise<void>): void {
  clearError();
  // Through a promise, so that a synchronous throw (e.g. of parseSeries) is shown like any other.
  Promise.resolve().then(task).catch((error) => {
    showError(error);
    $('timing').textContent = 'no posterior for this input.';
    $<HTMLAnchorElement>('download-csv').hidden = true;
  });
}

sliders.forEach((s, j) => s.addEventListener('input', () => ($(`${s.id}-value`).textContent = Number(s.value).toFixed(digits[j]))));

$('simulate').addEventListener('click', () => {
  const t0 = performance.now();
  run(async () => {
    const theta = sliders.map((s) => Number(s.value));
    const seed = nonNegativeInt('sim-seed', 'The simulation seed');
    const series = Array.from(simulateRicker(Float64Array.from(theta), 1, loaded?.T ?? 50, seed));
    if (Number.isNaN(series[0])) throw new Error(`The simulation at log r = ${theta[0]}, σ = ${theta[1]}, φ = ${theta[2]} overflowed; try other values.`);
    $<HTMLTextAreaElement>('series').value = series.join(', ');
    await answer(series, theta, t0);
  });
});

$('use-series').addEventListener('click', () => {
  const t0 = performance.now();
  run(() => answer(parseSeries($<HTMLTextAreaElement>('series').value, loaded?.T ?? 50), null, t0));
});

$<HTMLInputElement>('upload').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const t0 = performance.now();
  run(async () => {
    const text = await file.text();
    $<HTMLTextAreaElement>('series').value = text.trim();
    await answer(parseSeries(text, loaded?.T ?? 50), null, t0);
  });
});

startBackend()
  .then(() => loadRickerPosterior(new URL('../data/ricker/posterior.json', location.href).href))
  .then((posterior) => {
    loaded = posterior;
    const m = posterior.metadata;
    $('posterior-info').textContent = `${m.density ?? 'flow'} trained on ${m.simulations ?? '?'} simulations, features: ${String(m.features ?? posterior.posterior.features?.constructor.name)}`;
    ($<HTMLButtonElement>('simulate')).disabled = false;
    ($<HTMLButtonElement>('use-series')).disabled = false;
  })
  .catch(showError);
