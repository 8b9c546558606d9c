/**
 * Output helpers for the command-line pipelines: per-parameter summaries of samples, CSV text,
 * a plain-text table, and a staging folder so that a failed run writes nothing half-way.
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { summarizeSorted, type ColumnSummary } from '../sbi/mcmc/mcmcDiagnostics.js';

/** The summary of one parameter in the tables: its name and {@link ColumnSummary}. */
export interface ParameterSummary extends ColumnSummary {
  name: string;
}

/** Mean, sd and 5/50/95% quantiles of each column of row-major samples (one chain of draws). */
export function summarize(samples: ArrayLike<number>, names: string[]): ParameterSummary[] {
  const d = names.length;
  const n = samples.length / d;
  return names.map((name, j) => {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = samples[i * d + j];
    return { name, ...summarizeSorted(col.sort()) };
  });
}

/** CSV with a header row, one sample per line. */
export function toCsv(header: string[], samples: ArrayLike<number>): string {
  const d = header.length;
  const lines = [header.join(',')];
  for (let i = 0; i < samples.length / d; i++) {
    lines.push(Array.from({ length: d }, (_, j) => Number(samples[i * d + j]).toPrecision(7)).join(','));
  }
  return lines.join('\n') + '\n';
}

/** A fixed-width text table. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  return cells.map((r, i) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ') + (i === 0 ? '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : '')).join('\n');
}

/** A number for tables: 3 decimals (fewer above 10 and 100), exponent notation when tiny or huge. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : 3);
}

/**
 * Files are written into a temporary folder beside the destination and moved into it only by
 * `commit`, so an error before that leaves the destination untouched.
 */
export class StagedOutput {
  private constructor(
    readonly destination: string,
    readonly staging: string,
  ) {}

  static async create(destination: string): Promise<StagedOutput> {
    const parent = path.dirname(path.resolve(destination));
    await mkdir(parent, { recursive: true });
    const staging = await mkdtemp(path.join(parent, `.${path.basename(destination)}-staging-`));
    return new StagedOutput(destination, staging);
  }

  /** Path of a file inside the staging folder. */
  file(name: string): string {
    return path.join(this.staging, name);
  }

  async write(name: string, content: string | Uint8Array): Promise<void> {
    await writeFile(this.file(name), content);
  }

  /** Move every staged file into the destination (created if needed). */
  async commit(): Promise<string[]> {
    await mkdir(this.destination, { recursive: true });
    const names = await readdir(this.staging);
    for (const name of names) await rename(path.join(this.staging, name), path.join(this.destination, name));
    await rm(this.staging, { recursive: true, force: true });
    return names.map((n) => path.join(this.destination, n));
  }

  /** Remove the staging folder (after an error). */
  async discard(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true });
  }
}
