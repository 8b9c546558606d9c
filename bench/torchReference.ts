/**
 * Side-by-side PyTorch references for the benchmarks: runs the scripts in bench/torch/ (plain
 * PyTorch, CPU, one thread, float32) and returns their timings, so that a benchmark can print
 * our time next to PyTorch's measured in the same run.
 *
 * PyTorch is never a dependency of the library: it is Debian's `python3-torch`
 * (`apt-get install -y python3-torch`; add `libopenblas0-serial`, or Debian's torch multiplies
 * matrices with the reference BLAS, about 20 times slower). When it is absent, `runTorch` returns
 * null and says so once on stderr; it throws only when a script that could run fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type TorchScript = 'bench_flows.py' | 'bench_vae.py' | 'bench_hmc.py' | 'bench_ricker.py';

export interface TorchTiming {
  ms_median: number;
  ms_all: number[];
  /** Everything else the script reported (case, sizes, torch version, BLAS library, ...). */
  [key: string]: unknown;
}

/** The directory of the Python scripts. */
export const TORCH_SCRIPT_DIR = fileURLToPath(new URL('./torch', import.meta.url));

/**
 * The interpreter: `FLOWSBI_TORCH_PYTHON` when set, else Debian's /usr/bin/python3 (the one that
 * sees Debian's python3-torch; a pyenv or venv `python3` earlier on the PATH may not), else `python3`.
 */
export function pythonExecutable(): string {
  const forced = process.env.FLOWSBI_TORCH_PYTHON;
  if (forced) return forced;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** The environment for PyTorch: `threads` (default one) for OpenMP, MKL and OpenBLAS. */
export function torchEnv(threads = 1): NodeJS.ProcessEnv {
  const n = String(threads);
  return { ...process.env, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n };
}

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the interpreter could not be started at all. */
  spawnError?: Error;
}

/** Run the Python interpreter with `args` (single-threaded environment unless `threads`); never rejects. */
export function runPython(args: string[], options: { cwd?: string; threads?: number } = {}): Promise<PythonResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(pythonExecutable(), args, { env: torchEnv(options.threads), cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: null, stdout, stderr, spawnError: e as Error });
      return;
    }
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (e) => resolve({ code: null, stdout, stderr, spawnError: e }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let availability: Promise<{ ok: boolean; why: string }> | undefined;
let explained = false;

function checkTorch(): Promise<{ ok: boolean; why: string }> {
  availability ??= runPython(['-c', 'import torch; print(torch.__version__)']).then((r) => {
    if (r.spawnError) return { ok: false, why: `cannot start ${pythonExecutable()} (${r.spawnError.message})` };
    if (r.code !== 0) {
      const last = r.stderr.trim().split('\n').pop() ?? '';
      return { ok: false, why: `${pythonExecutable()} cannot import torch (${last})` };
    }
    return { ok: true, why: `torch ${r.stdout.trim()}` };
  });
  return availability;
}

function explainOnce(why: string): void {
  if (explained) return;
  explained = true;
  process.stderr.write(`PyTorch reference skipped: ${why}; install it with \`apt-get install -y python3-torch\`.\n`);
}

/** Whether PyTorch can be imported by the interpreter the references use (checked once). */
export async function torchAvailable(): Promise<boolean> {
  return (await checkTorch()).ok;
}

/** The last line of `stdout` that parses as a JSON object with ms_median and ms_all. */
function parseTiming(stdout: string): TorchTiming | null {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const v = JSON.parse(t) as Record<string, unknown>;
      if (typeof v.ms_median === 'number' && Array.isArray(v.ms_all)) return v as TorchTiming;
    } catch {
      // not the result line
    }
  }
  return null;
}

/** An optimised BLAS (OpenBLAS, MKL, BLIS, ATLAS) by the path of the library the script loaded. */
export function isOptimisedBlas(blas: unknown): boolean {
  return typeof blas === 'string' && /openblas|mkl|blis|atlas/i.test(blas);
}

/**
 * Run a reference script (`bench/torch/<script>`) with command-line `args` and return its
 * timing in milliseconds, or null (with one line on stderr) when PyTorch is not installed.
 * `threads` (default one) is passed to the script as --threads and to its environment.
 * Throws when the script itself fails or prints no result.
 *
 * Honest references only: a PyTorch that multiplies with Debian's reference BLAS (about 3x slower
 * than OpenBLAS, what any PyTorch user has) would make every ratio look far better than it is, so
 * such a timing is refused (null, with the fix on stderr) unless FLOWSBI_ALLOW_REFERENCE_BLAS=1,
 * which keeps it and flags it (`blasWarning`).
 */
export async function runTorch(script: TorchScript, args: string[], options: { threads?: number } = {}): Promise<TorchTiming | null> {
  const check = await checkTorch();
  if (!check.ok) {
    explainOnce(check.why);
    return null;
  }
  const path = fileURLToPath(new URL(`./torch/${script}`, import.meta.url));
  const r = await runPython([path, ...args, ...(options.threads ? ['--threads', String(options.threads)] : [])], { threads: options.threads });
  if (r.code === 3) {
    // The scripts exit with 3 when `import torch` fails.
    explainOnce(r.stderr.trim().split('\n').pop() ?? 'torch import failed');
    return null;
  }
  const timing = r.code === 0 ? parseTiming(r.stdout) : null;
  if (!timing) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n');
    throw new Error(`runTorch: ${script} ${args.join(' ')} failed (exit ${r.code ?? r.spawnError?.message}):\n${tail}`);
  }
  if (!isOptimisedBlas(timing.blas)) {
    const why = `PyTorch loaded ${String(timing.blas ?? 'an unreported BLAS')}, not OpenBLAS/MKL: its timings are about 3x too slow; install libopenblas0-serial (apt-get install -y libopenblas0-serial)`;
    if (process.env.FLOWSBI_ALLOW_REFERENCE_BLAS !== '1') {
      process.stderr.write(`PyTorch reference refused: ${why}, or set FLOWSBI_ALLOW_REFERENCE_BLAS=1 to report it flagged.\n`);
      return null;
    }
    process.stderr.write(`WARNING: ${why}. Ratios against this reference are NOT honest.\n`);
    return { ...timing, blasWarning: why };
  }
  return timing;
}
