import { expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';

test('the committed WebAssembly kernels are compiled from their AssemblyScript sources', () => {
  // Exits 1 and prints STALE when src/backend/*Wasm.ts differs from a fresh compile of kernels/.
  const out = execFileSync('node', ['--import', 'tsx', 'kernels/build.ts', '--check'], { encoding: 'utf8' });
  expect(out).toMatch(/up to date/);
  expect(out).not.toMatch(/STALE/);
}, 60_000);
