/**
 * Node-side tooling shared by the browser tests and `npm run bench:browser`: build the site with
 * Vite (the same config as `npm run build:web`), serve a folder with `python3 -m http.server` on
 * 127.0.0.1 only, and start Debian's Chromium through playwright-core with the flags these
 * machines need (no browser is ever downloaded).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.FLOWSBI_CHROMIUM ?? '/usr/bin/chromium';
/** Headless, no sandbox (CI runs as root), software rendering, and no background connections. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Build the site into outDir with web/vite.config.ts; resolves to outDir. */
export async function buildSite(outDir: string): Promise<string> {
  const { build } = await import('vite');
  await build({ configFile: path.join(REPO_ROOT, 'web/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** A static server of a folder; `url(p)` makes page URLs. */
export interface StaticServer {
  origin: string;
  url(pathInSite: string): string;
  close(): void;
}

/** Serve `folder` with `python3 -m http.server` on a free port of 127.0.0.1. */
export async function serveFolder(folder: string): Promise<StaticServer> {
  const child: ChildProcess = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`serveFolder: python3 -m http.server did not report its port within 20 s; output: ${seen}`)), 20_000);
    child.stdout!.on('data', (d) => {
      seen += String(d);
      const m = /port (\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serveFolder: python3 -m http.server exited with ${code}: ${seen}`)));
  });
  // Drain the request log so the pipe never fills.
  child.stdout!.resume();
  child.stderr!.resume();
  const origin = `http://127.0.0.1:${port}`;
  return { origin, url: (p) => `${origin}/${p.replace(/^\//, '')}`, close: () => void child.kill() };
}

/** Start Chromium; throws a message that says how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`launchChromium: ${CHROMIUM} not found; install it with "apt-get install -y chromium" (or set FLOWSBI_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** Console errors, uncaught page errors and failed requests of a page, collected from the moment of the call. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return errors;
}

/** Wait until `#backend` shows the chosen backend; resolves to its name. */
export async function waitForBackend(page: Page, timeout = 60_000): Promise<string> {
  await page.waitForFunction(() => document.getElementById('backend')?.textContent !== 'starting…', undefined, { timeout });
  return (await page.textContent('#backend')) ?? '';
}

/**
 * CPU time (user + system, ms) used so far by the processes descended from `root` (default: this
 * process), from /proc (Linux only): the Chromium processes this process started, renderer and
 * GPU (SwiftShader) alike. Steadier than wall time on a shared machine.
 */
export function descendantCpuMs(root = process.pid): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at the last ')'.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we read.
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = stats.get(pid)?.ppid, hops = 0; p !== undefined && p > 1 && hops < 64; p = stats.get(p)?.ppid, hops++) if (p === root) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, s] of stats) if (isDescendant(pid)) ticks += s.ticks;
  // Linux reports these in clock ticks of 1/100 s (USER_HZ).
  return ticks * 10;
}
