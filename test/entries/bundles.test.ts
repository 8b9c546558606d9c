// Issue 10's guard of browser safety: every public entry of package.json (the Node one apart) is
// bundled by esbuild for `platform: 'browser'`; the build must succeed (an unresolved import or a
// Node built-in is an error there) and the bundle's inputs must hold no Node built-in. Then the
// root bundle runs in a V8 context that has none of Node's globals (no process, require, Buffer),
// loads a saved flow from bytes and gives the same log densities as Node.
import { describe, expect, test } from 'vitest';
import * as esbuild from 'esbuild';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { maf } from '../../src/flows/builders.js';
import { serializeModule } from '../../src/io/format.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { import: string }> };
/** The source file of a built entry: dist/src/index.js -> src/index.ts. */
const sourceOf = (built: string) => built.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
const browserEntries = Object.entries(pkg.exports).filter(([name]) => name !== './node');
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

async function bundle(entry: string, format: 'esm' | 'iife'): Promise<{ text: string; inputs: string[]; imports: string[] }> {
  const result = await esbuild.build({
    entryPoints: [entry], bundle: true, platform: 'browser', format, globalName: format === 'iife' ? 'flowsbi' : undefined,
    write: false, metafile: true, logLevel: 'silent',
  });
  const meta = result.metafile!;
  const imports = Object.values(meta.inputs).flatMap((i) => i.imports.map((x) => x.path));
  return { text: result.outputFiles[0].text, inputs: Object.keys(meta.inputs), imports };
}

describe('entries bundle for a browser', () => {
  test('package.json declares the root, node, plot and ricker entries', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './node', './plot', './ricker']);
  });

  for (const [name, target] of browserEntries) {
    test(`${name} (${sourceOf(target.import)}) bundles with platform: 'browser' and no Node built-in`, async () => {
      const { text, inputs, imports } = await bundle(sourceOf(target.import), 'esm');
      expect(imports.filter((p) => nodeBuiltins.has(p))).toEqual([]);
      expect(inputs.filter((p) => p.startsWith('node:') || nodeBuiltins.has(p))).toEqual([]);
      // (tfjs-backend-wasm carries its Node worker script as a string; only real imports count.)
      expect(text).not.toMatch(/(from|import\()\s*["']node:/);
      // The core never imports the Ricker plug-in.
      if (name === '.') expect(inputs.filter((p) => p.startsWith('simulators/'))).toEqual([]);
    });
  }

  test('a Node built-in in the graph fails the bundle (the check can fail)', async () => {
    await expect(bundle('src/node.ts', 'esm')).rejects.toThrow(/Could not resolve/);
  });

  test('the root bundle runs without Node globals and loads a saved flow from bytes', async () => {
    // The root entry and TF.js (the page's own tensors), bundled together as a page would.
    const result = await esbuild.build({
      stdin: { contents: "export * as flowsbi from './src/index.ts'; export * as tf from '@tensorflow/tfjs';", resolveDir: process.cwd(), loader: 'ts' },
      bundle: true, platform: 'browser', format: 'iife', globalName: 'page', write: false, logLevel: 'silent',
    });
    const flow = maf({ dim: 2, contextDim: 1, transforms: 2, hidden: [8], seed: 3 });
    const { json, weights } = serializeModule(flow);
    const points = [[0.1, -0.4], [1.5, 0.2], [-2, 3]];
    const context = [[0.5], [-1], [2]];
    const expected = tf.tidy(() => Array.from(flow.logProb(tf.tensor2d(points), tf.tensor2d(context)).dataSync()));
    flow.dispose();

    // Browser-like globals only: what a page offers (no process, require, Buffer, global).
    const globals: Record<string, unknown> = {
      console, TextEncoder, TextDecoder, URL, setTimeout, clearTimeout, queueMicrotask, performance, WebAssembly,
      navigator: { userAgent: 'vm', hardwareConcurrency: 1 }, location: { href: 'http://localhost/' },
      document: { createElement: () => ({ getContext: () => null }) },
    };
    const sandbox = vm.createContext(globals);
    vm.runInContext('var window = globalThis; var self = globalThis;', sandbox);
    vm.runInContext(result.outputFiles[0].text, sandbox);
    expect(vm.runInContext('[typeof process, typeof require, typeof Buffer, typeof global].join()', sandbox)).toBe('undefined,undefined,undefined,undefined');
    Object.assign(globals, { modelJSON: JSON.stringify(json), modelWeights: Array.from(new Uint8Array(weights)), points, contextRows: context });
    const got = (await vm.runInContext(
      `(async () => {
        const { flowsbi, tf } = page;
        await flowsbi.initBackend({ backend: 'cpu', quiet: true });
        const { module } = flowsbi.loadModelFromBytes(modelJSON, Uint8Array.from(modelWeights));
        return Array.from(module.logProb(tf.tensor2d(points), tf.tensor2d(contextRows)).dataSync());
      })()`,
      sandbox,
    )) as number[];
    expect(got).toHaveLength(3);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });
});
