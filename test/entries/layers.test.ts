// Issue 10's architecture rules, read from the import graph: no circular imports, the core never
// imports the Ricker plug-in (simulators/) or Node-only code, and no import runs back up a layer.
import { describe, expect, test } from 'vitest';
import { importCycles, importGraph, reachable } from './importGraph.js';

const graph = importGraph(['src', 'simulators']);
const importsOf = (prefix: string) =>
  [...graph].filter(([file]) => file.startsWith(prefix)).flatMap(([file, edges]) => edges.map((e) => ({ file, to: e.to })));

describe('import graph', () => {
  test('no circular runtime imports in src/ and simulators/', () => {
    expect(importCycles(graph, false)).toEqual([]);
  });

  test('no circle through type-only imports either', () => {
    expect(importCycles(graph, true)).toEqual([]);
  });

  test('only the CLI imports simulators/', () => {
    const offending = importsOf('src/').filter(({ file, to }) => to.startsWith('simulators/') && !file.startsWith('src/cli/'));
    expect(offending).toEqual([]);
  });

  test('the root entry reaches no Node-only code, CLI or plug-in', () => {
    const files = [...reachable(graph, 'src/index.ts')];
    expect(files.filter((f) => /^(src\/node\/|src\/node\.ts|src\/cli\/|simulators\/)/.test(f))).toEqual([]);
  });

  // Each folder may import only from the folders listed (besides itself and the shared top-level files).
  const allowed: Record<string, string[]> = {
    'src/bijectors/': ['src/nn/', 'src/io/', 'src/util/', 'src/backend/'],
    'src/distributions/': ['src/bijectors/', 'src/io/', 'src/util/', 'src/nn/'],
    'src/nn/': ['src/io/', 'src/util/', 'src/backend/'],
    'src/flows/': ['src/bijectors/', 'src/distributions/', 'src/nn/', 'src/io/', 'src/util/'],
    'src/train/': ['src/distributions/', 'src/io/', 'src/util/', 'src/backend/'],
    'src/sbi/simulation/': [],
    'src/sbi/features/': ['src/io/'],
    'src/sbi/npe/': ['src/sbi/simulation/', 'src/sbi/features/', 'src/bijectors/', 'src/distributions/', 'src/nn/', 'src/flows/', 'src/train/', 'src/io/', 'src/util/'],
    'src/sbi/mcmc/': ['src/sbi/simulation/'],
    'src/sbi/diagnostics/': ['src/sbi/simulation/', 'src/sbi/features/', 'src/sbi/npe/', 'src/distributions/', 'src/nn/', 'src/train/', 'src/util/'],
    'src/plot/': ['src/sbi/diagnostics/sbcBins.ts'],
    'src/bayes/': ['src/bijectors/', 'src/distributions/', 'src/flows/', 'src/train/', 'src/sbi/mcmc/mcmcDiagnostics.ts', 'src/sbi/diagnostics/statistics.ts'],
  };
  for (const [folder, deps] of Object.entries(allowed)) {
    test(`${folder} imports only ${deps.length ? deps.join(', ') : 'top-level core files'}`, () => {
      const offending = importsOf(folder).filter(({ to }) => to.startsWith('src/') && !to.startsWith(folder) && to.split('/').length > 2 && !deps.some((d) => to.startsWith(d)));
      expect(offending).toEqual([]);
    });
  }
});
