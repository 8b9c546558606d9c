/**
 * Throughput of the Ricker simulator (simulators/ricker/ricker.ts, T = 50) in simulations per second:
 * TypeScript on one thread, TypeScript on every core through `simulateDataset` worker threads,
 * and the C reference bench/ricker.c (gcc -O2, same algorithms) on one core. The worker run
 * simulates 4x as many series, so that each worker's JIT warm-up (about 50 ms, paid once per
 * worker) weighs about as much as the main thread's warm-up before the one-thread runs. Medians of several
 * runs; one-thread TS and C runs are interleaved so that a shared, noisy machine affects both alike.
 * Besides wall-clock rates, the one-thread figures also report rates per CPU second
 * (`process.cpuUsage`, `CLOCK_PROCESS_CPUTIME_ID`), which depend less on other load.
 *
 * Run directly: `node --import tsx bench/rickerSim.ts [--quick]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ricker, rickerPrior } from '../simulators/ricker/ricker.js';
import { simulateDataset } from '../src/node/simulateDataset.js';
import { Xoshiro128 } from '../src/sbi/simulation/simulationStreams.js';

export interface RickerSimBench {
  n: number;
  T: number;
  runs: number;
  oneThread: { simsPerSec: number; cpuSimsPerSec: number };
  /** Worker threads on every core, over 4n simulations. */
  allCores: { simsPerSec: number; simsPerSecWithStartup: number; startupMs: number; workers: number };
  c: { simsPerSec: number; cpuSimsPerSec: number } | null;
  /** TS one thread / C, wall clock and CPU time (null without gcc). */
  ratioToC: { wall: number; cpu: number } | null;
  /** Mean count of the TS and C runs (same thetas and seed: they should agree very closely). */
  meanCount: { ts: number; c: number | null };
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/** Compile bench/ricker.c into a temporary folder; null (with a message) when gcc is missing. */
function compileC(): { exe: string; dir: string } | null {
  if (spawnSync('gcc', ['--version']).status !== 0) {
    console.warn('benchRickerSim: gcc not found; skipping the C reference');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'flowsbi-ricker-'));
  const exe = join(dir, 'ricker');
  const src = fileURLToPath(new URL('./ricker.c', import.meta.url));
  const r = spawnSync('gcc', ['-O2', '-o', exe, src, '-lm'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn(`benchRickerSim: gcc failed; skipping the C reference:\n${r.stderr}`);
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return { exe, dir };
}

function runC(exe: string, n: number, T: number): { wall: number; cpu: number; mean: number } {
  const r = spawnSync(exe, [String(n), String(T), '1', '1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`benchRickerSim: the C reference failed: ${r.stderr}`);
  const [wall, cpu, mean] = r.stdout.trim().split(/\s+/).map(Number);
  return { wall, cpu, mean };
}

/**
 * Parameters drawn exactly as bench/ricker.c draws them (uniforms of stream (2, 0) scaled to Wood's
 * prior box), so that both simulate the same thetas with the same seed and their mean counts agree
 * closely (not bit for bit: V8's and glibc's exp and log may differ in the last bit, and the map is
 * chaotic).
 */
function cReferenceThetas(n: number): Float64Array {
  const g = new Xoshiro128(2, 0);
  const { low, high } = rickerPrior().bounds;
  const out = new Float64Array(3 * n);
  for (let i = 0; i < 3 * n; i++) out[i] = low[i % 3] + (high[i % 3] - low[i % 3]) * g.uniform();
  return out;
}

export async function benchRickerSim({ quick = false }: { quick?: boolean } = {}): Promise<RickerSimBench> {
  const T = 50;
  const n = quick ? 20_000 : 100_000;
  const runs = quick ? 3 : 7;
  const simulator = ricker({ T });
  const thetas = cReferenceThetas(n);
  simulator.simulate(thetas.subarray(0, 3 * 5000), 5000, 0); // warm up the JIT

  const compiled = compileC();
  const one: number[] = [];
  const oneCpu: number[] = [];
  const c: number[] = [];
  const cCpu: number[] = [];
  let meanTs = 0;
  let meanC: number | null = null;
  try {
    for (let run = 0; run < runs; run++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const xs = simulator.simulate(thetas, n, 1);
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      one.push(n / wall);
      oneCpu.push(n / ((cpu.user + cpu.system) / 1e6));
      let sum = 0;
      for (let i = 0; i < xs.length; i++) sum += xs[i];
      meanTs = sum / xs.length;
      if (compiled) {
        const r = runC(compiled.exe, n, T);
        c.push(r.wall);
        cCpu.push(r.cpu);
        meanC = r.mean;
      }
    }
  } finally {
    if (compiled) rmSync(compiled.dir, { recursive: true, force: true });
  }

  const workers = availableParallelism();
  const all: number[] = [];
  const allWithStartup: number[] = [];
  const startup: number[] = [];
  const nAll = 4 * n;
  const thetasAll = cReferenceThetas(nAll);
  for (let run = 0; run < Math.min(runs, 5); run++) {
    const r = await simulateDataset({ simulator, thetas: thetasAll, seed: 1, workers });
    all.push(nAll / (r.timings.simulateMs / 1000));
    allWithStartup.push(nAll / ((r.timings.startupMs + r.timings.simulateMs) / 1000));
    startup.push(r.timings.startupMs);
  }

  const result: RickerSimBench = {
    n,
    T,
    runs,
    oneThread: { simsPerSec: median(one), cpuSimsPerSec: median(oneCpu) },
    allCores: { simsPerSec: median(all), simsPerSecWithStartup: median(allWithStartup), startupMs: median(startup), workers },
    c: compiled ? { simsPerSec: median(c), cpuSimsPerSec: median(cCpu) } : null,
    ratioToC: null,
    meanCount: { ts: meanTs, c: meanC },
  };
  if (result.c) {
    result.ratioToC = {
      wall: result.oneThread.simsPerSec / result.c.simsPerSec,
      cpu: result.oneThread.cpuSimsPerSec / result.c.cpuSimsPerSec,
    };
  }
  return result;
}

function printTable(r: RickerSimBench): void {
  const f = (v: number): string => Math.round(v).toLocaleString('en-US').padStart(11);
  console.log(`Ricker simulator, T = ${r.T}, ${r.n.toLocaleString('en-US')} simulations, median of ${r.runs} runs`);
  console.log('                           sims/s (wall)   sims/s (CPU)');
  console.log(`TS, 1 thread               ${f(r.oneThread.simsPerSec)}    ${f(r.oneThread.cpuSimsPerSec)}`);
  console.log(`${`TS, ${r.allCores.workers} workers`.padEnd(27)}${f(r.allCores.simsPerSec)}    (with start-up ${Math.round(r.allCores.startupMs)} ms: ${Math.round(r.allCores.simsPerSecWithStartup).toLocaleString('en-US')}/s)`);
  if (r.c) console.log(`C (gcc -O2), 1 core        ${f(r.c.simsPerSec)}    ${f(r.c.cpuSimsPerSec)}`);
  else console.log('C (gcc -O2), 1 core        skipped (no gcc)');
  if (r.ratioToC) console.log(`TS 1 thread / C: ${r.ratioToC.wall.toFixed(2)} (wall), ${r.ratioToC.cpu.toFixed(2)} (CPU); target >= 0.5`);
  console.log(`mean count: TS ${r.meanCount.ts.toFixed(6)}, C ${r.meanCount.c?.toFixed(6) ?? '-'} (same thetas and seed)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await benchRickerSim({ quick: process.argv.includes('--quick') }));
}
