// The web app in a real browser: the site built with web/vite.config.ts (as `npm run build:web`),
// served by `python3 -m http.server` from a folder above it (so every asset path must be
// relative), driven in Debian's Chromium by playwright-core. Screenshots go to out/browser/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildSite, collectErrors, launchChromium, REPO_ROOT, serveFolder, waitForBackend, type StaticServer } from '../../web/scripts/browserHarness.js';
import { ricker } from '../../simulators/ricker/index.js';

const SITE = 'web-test-site';
const SHOTS = path.join(REPO_ROOT, 'out/browser');
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  await buildSite(path.join(REPO_ROOT, 'out', SITE));
  server = await serveFolder(path.join(REPO_ROOT, 'out'));
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function open(page: string, query = ''): Promise<{ page: Page; errors: string[] }> {
  const p = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = collectErrors(p);
  await p.goto(server.url(`${SITE}/${page}${query}`));
  return { page: p, errors };
}

/** How many distinct colours the canvas area shows (a blank or flat plot has one or two). */
function distinctColors(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });
}

describe('every page of the built site loads on the automatic backend with no console errors', () => {
  const ready: Record<string, string> = {
    'index.html': 'body',
    'playground/index.html': '#train:not([disabled])',
    'ricker/index.html': '#simulate:not([disabled])',
    'vae/index.html': '#decoded[data-ready="true"]',
    'bench/index.html?steps=2': '#result[data-ms-per-step]',
  };
  for (const [name, selector] of Object.entries(ready)) {
    test(name, async () => {
      const { page, errors } = await open(name);
      if (name !== 'index.html') {
        // Chromium runs with --disable-gpu: its WebGL is SwiftShader (software), which the automatic
        // choice skips for wasm, and says so in the backend label's title.
        expect(await waitForBackend(page)).toBe('wasm');
        expect(await page.getAttribute('#backend', 'title')).toMatch(/webgl: software WebGL \(.*SwiftShader/);
      }
      await page.waitForSelector(selector, { timeout: 90_000 });
      expect(await page.isHidden('#error').catch(() => true)).toBe(true);
      await page.screenshot({ path: path.join(SHOTS, `load-${name.split('/')[0].replace(/\W.*$/, '')}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 150_000);
  }
});

describe("README's browser example", () => {
  test('the module script of "In the browser" loads the saved posterior from a URL and samples', async () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const html = /## In the browser[\s\S]*?```html\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(html).toBeDefined();
    writeFileSync(path.join(REPO_ROOT, 'out', SITE, 'readme-example.html'), html!);
    const { page, errors } = await open('readme-example.html');
    await page.waitForFunction(() => !document.getElementById('out')?.textContent?.startsWith('sampling'), undefined, { timeout: 90_000 });
    const text = (await page.textContent('#out'))!;
    const m = /^(\w+): posterior mean of \(log r, sigma, phi\) = ([-\d.]+),([-\d.]+),([-\d.]+)$/.exec(text);
    expect(m, text).not.toBeNull();
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(m![1]);
    // The series was simulated at (3.8, 0.3, 10): the posterior mean lies inside the prior box, near it.
    const mean = m!.slice(2).map(Number);
    expect(Math.abs(mean[0] - 3.8)).toBeLessThan(0.5);
    expect(mean[1]).toBeGreaterThan(0);
    expect(mean[1]).toBeLessThan(0.6);
    expect(Math.abs(mean[2] - 10)).toBeLessThan(3);
    // The minimal page has no icon, so the browser's request for /favicon.ico fails: nothing else may.
    const favicon = [/^HTTP 404: .*\/favicon\.ico$/, /^console.error: Failed to load resource: .* 404/];
    expect(errors.filter((e) => !favicon.some((f) => f.test(e)))).toEqual([]);
    await page.close();
  }, 120_000);
});

describe('Ricker posterior explorer (wasm, as Node)', () => {
  test('samples for an entered series equal the CLI samples from the same file and seed within 1e-4', async () => {
    const series = Array.from(ricker({ T: 50 }).simulate(Float64Array.from([4.2, 0.4, 8]), 1, 77));
    const { page, errors } = await open('ricker/index.html', '?backend=wasm');
    expect(await waitForBackend(page)).toBe('wasm');
    await page.waitForSelector('#simulate:not([disabled])', { timeout: 90_000 });
    await page.fill('#series', series.join(' '));
    await page.fill('#samples', '300');
    await page.fill('#seed', '7');
    await page.click('#use-series');
    await page.waitForSelector('#download-csv:not([hidden])', { timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const browserCsv = readFileSync(await download.path(), 'utf8');

    // Node: the CLI's --posterior path on the same file, seed and series, forced to wasm, without
    // importance sampling (the page shows the network's amortized draws).
    const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-ricker-web-'));
    writeFileSync(path.join(dir, 'obs.json'), JSON.stringify(series));
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/ricker.ts', '--posterior', 'web/public/data/ricker/posterior.json', '--obs', path.join(dir, 'obs.json'), '--samples', '300', '--seed', '7', '--importance-proposals', '0', '--out', dir, '--quiet'],
      { cwd: REPO_ROOT, env: { ...process.env, FLOWSBI_BACKEND: 'wasm' }, encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const nodeCsv = readFileSync(path.join(dir, 'posterior_samples.csv'), 'utf8');
    const parse = (csv: string) => csv.trim().split('\n').map((line) => line.split(','));
    const [b, n] = [parse(browserCsv), parse(nodeCsv)];
    expect(b[0]).toEqual(['logr', 'sigma', 'phi']);
    expect(n[0]).toEqual(b[0]);
    expect(b.length).toBe(301);
    expect(n.length).toBe(301);
    const worst = Math.max(...b.slice(1).flatMap((row, i) => row.map((v, j) => Math.abs(Number(v) - Number(n[i + 1][j])))));
    expect(worst).toBeLessThan(1e-4);
    // A posterior, not a constant: the draws vary.
    expect(new Set(b.slice(1).map((r) => r[0])).size).toBeGreaterThan(250);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  test('"importance-sample" gives the command line\'s default (importance-sampled) posterior: same ESS and means', async () => {
    const series = Array.from(ricker({ T: 50 }).simulate(Float64Array.from([3.6, 0.2, 12]), 1, 78));
    const { page, errors } = await open('ricker/index.html', '?backend=wasm');
    expect(await waitForBackend(page)).toBe('wasm');
    await page.waitForSelector('#simulate:not([disabled])', { timeout: 90_000 });
    await page.fill('#series', series.join(' '));
    await page.fill('#samples', '2000');
    await page.fill('#seed', '9');
    await page.check('#importance');
    await page.click('#use-series');
    await page.waitForSelector('#timing[data-ess]', { timeout: 120_000 });
    const pageEss = Number(await page.getAttribute('#timing', 'data-ess'));
    expect(await page.textContent('#timing')).toMatch(/importance-sampled from 2000 proposals, effective sample size \d+/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const draws = readFileSync(await download.path(), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));

    const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-ricker-web-is-'));
    writeFileSync(path.join(dir, 'obs.json'), JSON.stringify(series));
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/ricker.ts', '--posterior', 'web/public/data/ricker/posterior.json', '--obs', path.join(dir, 'obs.json'), '--samples', '2000', '--seed', '9', '--out', dir, '--quiet'],
      { cwd: REPO_ROOT, env: { ...process.env, FLOWSBI_BACKEND: 'wasm' }, encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    // The same proposals, weights and resampling: the ESS agrees up to the float32 differences of q.
    expect(Math.abs(pageEss - summary.importanceSampling.ess) / summary.importanceSampling.ess).toBeLessThan(0.02);
    expect(draws.length).toBe(2000);
    // Resampled: proposals repeat (ESS < 2000), unlike the network's own draws.
    expect(new Set(draws.map((r) => r[0])).size).toBeLessThan(2000);
    const table = summary.posteriorSamples.table as { mean: number; sd: number }[];
    for (let j = 0; j < 3; j++) {
      const mean = draws.reduce((a, r) => a + r[j], 0) / draws.length;
      expect(Math.abs(mean - table[j].mean)).toBeLessThan(0.05 * table[j].sd);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  test('simulate draws the pair plot, bands and summaries with the time; bad input shows a message', async () => {
    const { page, errors } = await open('ricker/index.html', '?backend=wasm');
    await page.waitForSelector('#simulate:not([disabled])', { timeout: 90_000 });
    await page.click('#simulate');
    await page.waitForSelector('#timing[data-elapsed-ms]', { timeout: 60_000 });
    expect(Number(await page.getAttribute('#timing', 'data-elapsed-ms'))).toBeGreaterThan(0);
    expect(await page.textContent('#timing')).toMatch(/drawn \d+ ms after the click .* wasm backend/);
    expect(await page.$$eval('#summary tr', (rows) => rows.length)).toBe(4);
    expect(await distinctColors(page, '#pair-plot')).toBeGreaterThan(20);
    expect(await distinctColors(page, '#series-plot')).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(SHOTS, 'ricker.png'), fullPage: true });

    const bad: [string, RegExp][] = [
      ['1 2 3', /has 3 counts; this posterior was trained on series of length 50/],
      [Array(50).fill(3).join(',').replace(/^3/, '-3'), /Entry 1 \(-3\) is negative/],
      [Array(50).fill(3).join(',').replace(/,3$/, ',2.5'), /Entry 50 \(2.5\) is not a whole number/],
      [Array(50).fill(3).join(',').replace(/,3,/, ',abc,'), /Entry 2 \("abc"\) is not a number/],
      ['', /The series is empty/],
    ];
    for (const [text, message] of bad) {
      await page.fill('#series', text);
      await page.click('#use-series');
      await page.waitForSelector('#error:not([hidden])');
      expect(await page.textContent('#error')).toMatch(message);
      expect(await page.isHidden('#download-csv')).toBe(true);
    }
    await page.screenshot({ path: path.join(SHOTS, 'ricker-bad-input.png'), fullPage: true });
    // Upload: a JSON file of counts answers; a file with a wrong entry gets the message.
    const counts = Array.from(ricker({ T: 50 }).simulate(Float64Array.from([3.5, 0.2, 15]), 1, 3));
    await page.setInputFiles('#upload', { name: 'series.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(counts)) });
    await page.waitForSelector('#download-csv:not([hidden])', { timeout: 60_000 });
    expect(await page.isHidden('#error')).toBe(true);
    await page.setInputFiles('#upload', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(counts.map((c, t) => (t === 9 ? 'NaN' : c)).join(',')) });
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toMatch(/Entry 10 \("NaN"\) is not a number/);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

describe('flow playground (wasm)', () => {
  test('300 training steps lower the loss and draw a density', async () => {
    const { page, errors } = await open('playground/index.html', '?backend=wasm');
    await page.waitForSelector('#train:not([disabled])', { timeout: 90_000 });
    await page.fill('#steps', '300');
    await page.click('#train');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'done', undefined, { timeout: 240_000 });
    expect(await page.textContent('#step')).toBe('300');
    const losses = JSON.parse((await page.getAttribute('#loss-curve', 'data-train-loss'))!) as number[];
    expect(losses).toHaveLength(60);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    // Two moons start near 3 nats; a fitted MAF reaches about 1.5.
    expect(mean(losses.slice(0, 3)) - mean(losses.slice(-3))).toBeGreaterThan(0.5);
    expect(await page.getAttribute('#density', 'data-drawn-step')).toBe('300');
    expect(await distinctColors(page, '#density')).toBeGreaterThan(50);
    await page.screenshot({ path: path.join(SHOTS, 'playground.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  test('WebGL (forced) trains too: 10 steps, finite losses, a density, no console errors', async () => {
    const { page, errors } = await open('playground/index.html', '?backend=webgl');
    expect(await waitForBackend(page)).toBe('webgl');
    await page.waitForSelector('#train:not([disabled])', { timeout: 90_000 });
    await page.fill('#steps', '10');
    await page.click('#train');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'done', undefined, { timeout: 120_000 });
    const losses = JSON.parse((await page.getAttribute('#loss-curve', 'data-train-loss'))!) as number[];
    expect(losses).toHaveLength(2);
    losses.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(await distinctColors(page, '#density')).toBeGreaterThan(50);
    await page.screenshot({ path: path.join(SHOTS, 'playground-webgl.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  test('points drawn with the mouse are the data: too few is a message, a stroke trains', async () => {
    const { page, errors } = await open('playground/index.html', '?backend=wasm');
    await page.waitForSelector('#train:not([disabled])', { timeout: 90_000 });
    await page.selectOption('#dataset', 'draw');
    await page.fill('#steps', '20');
    await page.click('#train');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toMatch(/Draw at least 10 points .* \(you have 0\)/);
    const box = (await (await page.$('#data-canvas'))!.boundingBox())!;
    await page.mouse.move(box.x + 0.25 * box.width, box.y + 0.3 * box.height);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) await page.mouse.move(box.x + (0.25 + 0.015 * i) * box.width, box.y + (0.3 + 0.012 * i) * box.height);
    await page.mouse.up();
    await page.click('#train');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'done', undefined, { timeout: 120_000 });
    expect(await page.isHidden('#error')).toBe(true);
    expect(await page.textContent('#step')).toBe('20');
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  test('the stop button ends a long run: the page handles clicks while it trains', async () => {
    const { page, errors } = await open('playground/index.html', '?backend=wasm');
    await page.waitForSelector('#train:not([disabled])', { timeout: 90_000 });
    await page.selectOption('#dataset', 'checkerboard');
    await page.selectOption('#flow', 'nsf');
    await page.fill('#steps', '100000');
    await page.click('#train');
    await page.waitForFunction(() => Number(document.getElementById('step')?.textContent) >= 10, undefined, { timeout: 120_000 });
    await page.click('#stop');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'stopped', undefined, { timeout: 60_000 });
    expect(Number(await page.textContent('#step'))).toBeLessThan(100000);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});

describe('VAE latent explorer', () => {
  test('clicking two points of the latent plane decodes two different digits; a picked digit shows q(z | x) draws', async () => {
    const { page, errors } = await open('vae/index.html', '?backend=wasm');
    await page.waitForSelector('#decoded[data-ready="true"]', { timeout: 90_000 });
    const decoded = () =>
      page.$eval('#decoded', (c) => {
        const canvas = c as HTMLCanvasElement;
        return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data.filter((_, i) => i % 4 === 0));
      });
    const map = (await page.$('#map-gaussian'))!;
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + 0.3 * box.width, box.y + 0.3 * box.height);
    const first = await decoded();
    const z1 = await page.getAttribute('#decoded', 'data-z');
    await page.mouse.click(box.x + 0.75 * box.width, box.y + 0.7 * box.height);
    const second = await decoded();
    expect(await page.getAttribute('#decoded', 'data-z')).not.toBe(z1);
    // Mean absolute difference of the grey levels (0-255): different digits differ by far more than 10.
    const diff = first.reduce((s, v, i) => s + Math.abs(v - second[i]), 0) / first.length;
    expect(diff).toBeGreaterThan(10);
    // Both pictures are digits, not blank: dark strokes on white.
    for (const img of [first, second]) expect(img.filter((v) => v < 128).length).toBeGreaterThan(0.05 * img.length);
    await page.click('#digit-strip canvas[data-index="3"]');
    await page.waitForFunction(() => (document.getElementById('picked-info')?.textContent ?? '').includes('test digit 3'));
    await page.screenshot({ path: path.join(SHOTS, 'vae.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
