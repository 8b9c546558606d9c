/**
 * Argument checks with errors that name the function, the expected shape or range, and what was
 * received. Shape checks are free (no data leaves the backend) and always run. Value checks
 * (finiteness, domains) read a reduced scalar back, so they run only while validation is enabled:
 * on by default for user calls, switched off inside training loops that validated their data
 * once up front ({@link withoutValidation}).
 */
import * as tf from '@tensorflow/tfjs';

let validateValues = true;

/** Turn value checks (finite inputs, bijector domains) on or off globally. */
export function setValidateArgs(enabled: boolean): void {
  validateValues = enabled;
}

/** Whether value checks (finite inputs, domains) are currently on. */
export function validateArgsEnabled(): boolean {
  return validateValues;
}

/** Run fn with value checks off (restored afterwards, also on error). */
export function withoutValidation<T>(fn: () => T): T {
  const previous = validateValues;
  validateValues = false;
  try {
    return fn();
  } finally {
    validateValues = previous;
  }
}

function describe(t: unknown): string {
  if (t instanceof tf.Tensor) return `a tensor of shape [${t.shape.join(', ')}] (${t.dtype})`;
  if (t === undefined) return 'undefined';
  if (t === null) return 'null';
  return Array.isArray(t) ? 'a plain array (not a tensor)' : typeof t;
}

/** Assert a [batch, cols] float tensor (cols checked when given). */
export function assertMatrix(
  where: string,
  name: string,
  t: unknown,
  cols?: number,
): asserts t is tf.Tensor2D {
  const expected = `[batch, ${cols ?? 'dim'}]`;
  if (!(t instanceof tf.Tensor) || t.rank !== 2) {
    throw new Error(`${where}: ${name} must be a tensor of shape ${expected}; received ${describe(t)}`);
  }
  if (cols !== undefined && t.shape[1] !== cols) {
    throw new Error(`${where}: ${name} must have shape ${expected}; received [${t.shape.join(', ')}]`);
  }
  if (t.dtype !== 'float32') {
    throw new Error(`${where}: ${name} must be float32; received ${t.dtype}`);
  }
}

/** Assert a context of shape [batch, contextDim] for a conditional module, or none for others. */
export function assertContext(
  where: string,
  contextDim: number,
  batch: number,
  context: unknown,
): asserts context is tf.Tensor2D | undefined {
  if (contextDim === 0) return; // unconditional: a context is ignored
  if (context === undefined || context === null) {
    throw new Error(`${where}: this module is conditional and needs a context of shape [${batch}, ${contextDim}]; received none`);
  }
  assertMatrix(where, 'context', context, contextDim);
  if (context.shape[0] !== batch) {
    throw new Error(
      `${where}: context must have one row per input row, shape [${batch}, ${contextDim}]; received [${context.shape.join(', ')}]`,
    );
  }
}

/** Assert all entries finite (only while validation is enabled). */
export function assertFinite(where: string, name: string, t: tf.Tensor): void {
  if (!validateValues) return;
  const ok = tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0]);
  if (!ok) {
    const bad = tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), 'int32')).dataSync()[0]);
    throw new Error(`${where}: ${name} must be finite; received ${bad} non-finite value(s) (NaN or Infinity) in a tensor of shape [${t.shape.join(', ')}]`);
  }
}

/** An open interval (low, high), the same for every column or one bound per column. */
export interface Domain {
  low: number | number[];
  high: number | number[];
  /** Closed at both ends instead of open. */
  closed?: boolean;
}

/** Assert every entry inside the domain (only while validation is enabled). */
export function assertInDomain(where: string, name: string, t: tf.Tensor2D, domain: Domain): void {
  if (!validateValues) return;
  const [minSeen, maxSeen, ok] = tf.tidy(() => {
    const low = tf.tensor(domain.low);
    const high = tf.tensor(domain.high);
    const inside = domain.closed
      ? tf.logicalAnd(tf.greaterEqual(t, low), tf.lessEqual(t, high))
      : tf.logicalAnd(tf.greater(t, low), tf.less(t, high));
    return [tf.min(t).dataSync()[0], tf.max(t).dataSync()[0], tf.all(inside).dataSync()[0]];
  });
  if (!ok) {
    const fmt = (b: number | number[]) => (Array.isArray(b) ? `[${b.join(', ')}]` : String(b));
    const [l, r] = domain.closed ? ['[', ']'] : ['(', ')'];
    throw new Error(
      `${where}: ${name} must lie in ${l}${fmt(domain.low)}, ${fmt(domain.high)}${r}; received values from ${minSeen} to ${maxSeen}`,
    );
  }
}

/** Assert a positive integer option. */
export function assertPositiveInt(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${where}: ${name} must be a positive integer; received ${String(value)}`);
  }
}
