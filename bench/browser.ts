/**
 * npm run bench:browser: the web app's speed in headless Chromium (Debian's, software rendering:
 * --disable-gpu, so WebGL runs on SwiftShader, i.e. on the CPU) beside the same work in Node.
 *  - a MAF training step (5 transforms, hidden 64, batch 256, 3-D target, 13-D context, Adam) on
 *    every backend the browser offers (wasm, webgl, webgpu where it exists), and in Node (wasm);
 *  - the Ricker explorer: time from the "simulate" click to the drawn posterior (2 000 samples,
 *    pair plot, bands), the first click and the median of the next ones, per backend; and the
 *    sampling alone in Node for the same posterior; the same with the page's "importance-sample"
 *    box (2 000 proposals weighed by the particle filter) and in Node.
 * Timings on a shared machine are noisy: read them as ratios. Flags: --steps, --warmup, --clicks.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSite, collectErrors, descendantCpuMs, launchChromium, REPO_ROOT, serveFolder, waitForBackend } from '../web/scripts/browserHarness.js';
import { parseFlags } from '../src/cli/args.js';
import { median, timeFlowStep } from './flowStep.js';

const flags = parseFlags('bench-browser', {
  steps: { default: 40, help: 'timed MAF steps per backend (webgl: a quarter, it is slow on SwiftShader)' },
  warmup: { default: 20, help: 'untimed warm-up steps before them' },
  clicks: { default: 6, help: 'simulate clicks per backend on the Ricker page' },
});

/**
 * Clicks "simulate" with seeds 1..clicks, each time waiting until the page's timing line sets
 * data-<waitFor> again; returns, per name in `read`, the values of that data attribute.
 */
async function clickSeries(page: import('playwright-core').Page, waitFor: string, read: string[]): Promise<number[][]> {
  const values = read.map(() => [] as number[]);
  for (let i = 0; i < flags.clicks; i++) {
    await page.fill('#sim-seed', String(i + 1));
    await page.evaluate((key) => delete document.getElementById('timing')!.dataset[key], waitFor);
    await page.click('#simulate');
    await page.waitForSelector(`#timing[data-${kebab(waitFor)}]`, { timeout: 300_000 });
    for (const [j, key] of read.entries()) values[j].push(Number(await page.getAttribute('#timing', `data-${kebab(key)}`)));
  }
  return values;
}
const kebab = (camel: string) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const site = await buildSite(path.join(REPO_ROOT, 'out/bench-site'));
const server = await serveFolder(site);
const browser = await launchChromium();
const rows: string[][] = [];

for (const backend of ['wasm', 'webgl', 'webgpu']) {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const steps = backend === 'wasm' ? flags.steps : Math.max(5, Math.round(flags.steps / 4));
  const warmup = backend === 'wasm' ? flags.warmup : Math.max(3, Math.round(flags.warmup / 4));
  await page.goto(server.url(`bench/index.html?backend=${backend}&steps=${steps}&warmup=${warmup}&hold=1`));
  await page.waitForSelector('#go:not([disabled]), #error:not([hidden])', { timeout: 600_000 });
  let cpu = NaN;
  if (await page.isEnabled('#go')) {
    const cpu0 = descendantCpuMs();
    await page.click('#go');
    await page.waitForSelector('#result[data-ms-per-step]', { timeout: 600_000 });
    cpu = (descendantCpuMs() - cpu0) / steps;
  }
  const ms = await page.getAttribute('#result', 'data-ms-per-step');
  const why = ms ? '' : ((await page.textContent('#error')) ?? '').slice(0, 140);
  rows.push(['MAF step h64 b256', `Chromium ${backend}`, ms ? `${Number(ms).toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU` : 'unavailable', ms ? `${steps} steps after ${warmup}; CPU of all Chromium processes` : why]);
  if (ms && errors.length) console.warn(`${backend}: ${errors.join('; ')}`);
  await page.close();
}

const { ready } = await import('../src/backend/index.js');
await ready({ backend: 'wasm', quiet: true });
const { maf } = await import('../src/flows/builders.js');
const nodeWall = timeFlowStep({ build: maf, hidden: 64, batch: 256, steps: flags.steps, warmup: flags.warmup });
const nodeCpu = timeFlowStep({ build: maf, hidden: 64, batch: 256, steps: flags.steps, warmup: flags.warmup, clock: 'cpu' });
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
rows.push(['MAF step h64 b256', 'Node wasm', `${mean(nodeWall).toFixed(1)} ms wall, ${mean(nodeCpu).toFixed(1)} ms CPU`, `mean of ${flags.steps} steps after ${flags.warmup} (median: ${median(nodeWall).toFixed(1)} wall)`]);

for (const backend of ['wasm', 'webgl']) {
  const page = await browser.newPage();
  await page.goto(server.url(`ricker/index.html?backend=${backend}`));
  if ((await waitForBackend(page)) !== backend) {
    rows.push(['Ricker: simulate → drawn posterior', `Chromium ${backend}`, 'unavailable', '']);
    continue;
  }
  await page.waitForSelector('#simulate:not([disabled])', { timeout: 120_000 });
  const [elapsed, sampling] = await clickSeries(page, 'elapsedMs', ['elapsedMs', 'sampleMs']);
  const [first, rest] = [elapsed[0], median(elapsed.slice(1))];
  rows.push(['Ricker: simulate → drawn posterior (2 000 samples)', `Chromium ${backend}`, `${rest.toFixed(0)} ms`, `first click ${first.toFixed(0)} ms; sampling alone ${median(sampling.slice(1)).toFixed(0)} ms`]);
  // The "importance-sample" box: 2 000 proposals weighed by the particle filter, then resampled.
  await page.check('#importance');
  const [weighed, ess] = await clickSeries(page, 'ess', ['sampleMs', 'ess']);
  rows.push(['Ricker: importance-sampled draws (2 000 proposals)', `Chromium ${backend}`, `${median(weighed).toFixed(0)} ms`, `sampling and weighing, median of ${flags.clicks} series; ESS ${Math.min(...ess).toFixed(0)}-${Math.max(...ess).toFixed(0)}`]);
  await page.close();
}

// Node: the same posterior file, the same 2 000 draws for a series.
await import('../src/index.js'); // registers every core module type for loadModel
const { loadModel } = await import('../src/node/files.js');
const { ricker } = await import('../simulators/ricker/index.js');
const tf = await import('@tensorflow/tfjs');
const { module: posterior } = await loadModel<import('../src/sbi/npe/types.js').NeuralPosterior & import('../src/module.js').Module>(path.join(REPO_ROOT, 'web/public/data/ricker/posterior.json'));
/** Milliseconds of 2 000 draws for the series the page simulates on clicks 1..clicks. */
function timeSeries(posterior: { sample(xo: number[][], n: number, seed: number): import('@tensorflow/tfjs').Tensor }): number[] {
  const ms: number[] = [];
  for (let i = 0; i < flags.clicks; i++) {
    const series = Array.from(ricker({ T: 50 }).simulate(Float64Array.from([3.8, 0.3, 10]), 1, i + 1));
    const t0 = performance.now();
    tf.tidy(() => posterior.sample([series], 2000, 1).dataSync());
    ms.push(performance.now() - t0);
  }
  return ms;
}
const nodeSampling = timeSeries(posterior);
rows.push(['Ricker: posterior sampling (2 000 samples)', 'Node wasm', `${median(nodeSampling.slice(1)).toFixed(0)} ms`, `first ${nodeSampling[0].toFixed(0)} ms`]);
const { rickerImportanceSampled } = await import('../simulators/ricker/importance.js');
const corrected = rickerImportanceSampled(posterior);
const nodeWeighed = timeSeries(corrected);
rows.push(['Ricker: importance-sampled draws (2 000 proposals)', 'Node wasm', `${median(nodeWeighed).toFixed(0)} ms`, `median of ${flags.clicks} series`]);
posterior.dispose();

const version = browser.version();
await browser.close();
server.close();
const widths = [0, 1, 2, 3].map((j) => Math.max(...rows.map((r) => r[j].length), 4));
console.log(`\nheadless Chromium ${version} (--disable-gpu: WebGL on SwiftShader), Node ${process.version}; a shared 2-core machine, noisy`);
for (const r of rows) console.log(r.map((c, j) => c.padEnd(widths[j])).join('  '));
