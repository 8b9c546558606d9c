/**
 * Reading a series of counts typed or pasted into the page, or uploaded as a file: numbers
 * separated by commas, spaces, semicolons or new lines, optionally inside JSON brackets. Every
 * problem gets a message that says which entry is wrong and why; nothing is silently dropped.
 */

/** The counts, or throws an Error whose message is meant for the page. */
export function parseSeries(text: string, T: number): number[] {
  const body = text.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (!body) throw new Error(`The series is empty: enter ${T} counts separated by commas or spaces.`);
  const tokens = body.split(/[\s,;]+/).filter((t) => t.length > 0);
  const counts = tokens.map((token, i) => {
    const value = Number(token);
    if (!Number.isFinite(value)) throw new Error(`Entry ${i + 1} ("${token}") is not a number: the series must be ${T} non-negative whole numbers.`);
    if (value < 0) throw new Error(`Entry ${i + 1} (${token}) is negative: counts cannot be below 0.`);
    if (!Number.isInteger(value)) throw new Error(`Entry ${i + 1} (${token}) is not a whole number: counts are integers.`);
    return value;
  });
  if (counts.length !== T) throw new Error(`The series has ${counts.length} counts; this posterior was trained on series of length ${T}.`);
  return counts;
}
