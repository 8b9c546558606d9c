/**
 * Minimal flag parsing for the command-line programs and examples: `--name value`, `--flag`
 * (boolean), with defaults, `--help`, and a clear error (a `UsageError`) for unknown flags or
 * values of the wrong type.
 */

/** A mistake in the command line; programs print its message and exit with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
export type FlagSpec = Record<string, { default: number | string | boolean; help: string }>;

/**
 * Parse `--name value` and boolean `--name` flags against a spec of defaults; `--help` prints the
 * flags and exits. Unknown flags and non-numeric values for numeric flags are UsageErrors.
 */
export function parseFlags<S extends FlagSpec>(
  program: string,
  spec: S,
  argv = process.argv.slice(2),
): { [K in keyof S]: S[K]['default'] } {
  const out: Record<string, number | string | boolean> = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, v.default]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(`Usage: ${program} [flags]\n` + Object.entries(spec).map(([k, v]) => `  --${k} (default ${v.default})  ${v.help}`).join('\n'));
      process.exit(0);
    }
    const name = arg.replace(/^--/, '');
    if (!arg.startsWith('--') || !(name in spec)) throw new UsageError(`${program}: unknown argument "${arg}"; try --help`);
    const def = spec[name].default;
    if (typeof def === 'boolean') {
      out[name] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${program}: --${name} needs a value`);
    if (typeof def === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`${program}: --${name} must be a number; received "${value}"`);
      out[name] = n;
    } else out[name] = value;
  }
  return out as { [K in keyof S]: S[K]['default'] };
}
