/**
 * Terminal progress bar for training loops and command-line pipelines, built on `cli-progress`.
 * It writes to stderr (so stdout stays clean for results) and is silent, writing nothing at all,
 * when `quiet` is set, when stderr is not a terminal (CI logs, pipes, test runners) or where
 * `process` does not exist (a browser): then every method is a no-op.
 *
 * Example line: `NPE ████████░░░░░░░░ 12/100 | 14s elapsed | ETA 1m43s | epoch 12/100 train 1.234 val 1.301`.
 */
import cliProgress from 'cli-progress';

/** Values shown after the bar as `name value` pairs (numbers with 4 significant digits). */
export type ProgressFields = Record<string, string | number>;

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Number of steps (epochs, simulations, ...). */
  total: number;
  /** Text before the bar. */
  label?: string;
  /** No output at all. */
  quiet?: boolean;
  /** Initial custom fields. */
  fields?: ProgressFields;
  /** Stream to draw on (default process.stderr); output only when it is a TTY. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A running progress bar. */
export interface Progress {
  /** Set the current value; `fields` are merged into the fields shown. */
  update(value: number, fields?: ProgressFields): void;
  /** Advance by `delta` (default 1). */
  increment(delta?: number, fields?: ProgressFields): void;
  /** Draw the final state and release the terminal line; later calls do nothing. */
  stop(): void;
}

const NOOP: Progress = { update() {}, increment() {}, stop() {} };

/** `name value` pairs joined by spaces; non-integers to 4 significant digits. */
export function formatFields(fields: ProgressFields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : String(v)}`)
    .join(' ');
}

/** Start a progress bar (see the module comment for when it stays silent). */
export function createProgress(options: ProgressOptions): Progress {
  const { total } = options;
  if (!(Number.isInteger(total) && total >= 0)) throw new Error(`createProgress: total must be an integer >= 0; received ${String(total)}`);
  if (options.quiet || typeof process === 'undefined') return NOOP;
  const stream = options.stream ?? process.stderr;
  if (!stream || stream.isTTY !== true) return NOOP;

  let fields: ProgressFields = { ...(options.fields ?? {}) };
  const payload = () => ({ label: options.label ?? '', extra: Object.keys(fields).length ? ` | ${formatFields(fields)}` : '' });
  const bar = new cliProgress.SingleBar(
    {
      format: `{label} {bar} {value}/{total} | {duration_formatted} elapsed | ETA {eta_formatted}{extra}`,
      stream: stream as NodeJS.WritableStream,
      barsize: 24,
      hideCursor: false,
      clearOnComplete: false,
      etaBuffer: 20,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, payload());
  let stopped = false;
  const merge = (f?: ProgressFields) => {
    if (f) fields = { ...fields, ...f };
  };
  return {
    update(value, f) {
      if (stopped) return;
      merge(f);
      bar.update(value, payload());
    },
    increment(delta = 1, f) {
      if (stopped) return;
      merge(f);
      bar.increment(delta, payload());
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
