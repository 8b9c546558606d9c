import { afterEach, describe, expect, test, vi } from 'vitest';
import { Writable } from 'node:stream';
import { createProgress, formatFields } from '../../src/node/progress.js';

/** A writable that records output and claims (or not) to be a terminal. */
function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const s = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }) as Writable & { isTTY?: boolean; columns?: number };
  s.isTTY = isTTY;
  s.columns = 120;
  return { s, text: () => chunks.join('') };
}

function run(p: ReturnType<typeof createProgress>) {
  for (let i = 1; i <= 9; i++) p.update(i, { epoch: `${i}/10`, train: 1 / i });
  p.increment(1, { epoch: '10/10', train: 0.1 });
  p.stop();
}

describe('progress bar', () => {
  afterEach(() => vi.restoreAllMocks());

  test('draws label, counts and fields on a terminal', () => {
    const { s, text } = fakeStream(true);
    run(createProgress({ total: 10, label: 'NPE', stream: s, fields: { val: 1.30123 } }));
    expect(text()).toMatch(/NPE .* 10\/10 \| .* elapsed \| ETA .* \| val 1\.301 epoch 10\/10 train 0\.1000/);
  });

  test('silent when quiet, even on a terminal', () => {
    const { s, text } = fakeStream(true);
    run(createProgress({ total: 10, label: 'x', stream: s, quiet: true }));
    expect(text()).toBe('');
  });

  test('silent on stderr when it is not a TTY', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.stderr.isTTY;
    process.stderr.isTTY = false;
    try {
      run(createProgress({ total: 10, label: 'x' }));
    } finally {
      process.stderr.isTTY = saved;
    }
    expect(write).not.toHaveBeenCalled();
  });

  test('quiet on a TTY stderr writes nothing; not quiet writes to stderr', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.stderr.isTTY;
    process.stderr.isTTY = true;
    try {
      run(createProgress({ total: 10, label: 'x', quiet: true }));
      expect(write).not.toHaveBeenCalled();
      run(createProgress({ total: 10, label: 'x' }));
      expect(write).toHaveBeenCalled();
    } finally {
      process.stderr.isTTY = saved;
    }
  });

  test('fields and argument errors', () => {
    expect(formatFields({ epoch: '3/9', loss: 1.23456, n: 7 })).toBe('epoch 3/9 loss 1.235 n 7');
    expect(() => createProgress({ total: -1 })).toThrow(/createProgress: total must be an integer >= 0; received -1/);
  });
});
