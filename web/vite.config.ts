/**
 * The web app's build: `npm run web` serves web/ with Vite's dev server, `npm run build:web` writes
 * a static site to dist-web/ with relative asset paths (base './'), so any static file server can
 * host it from any folder. Files under web/public/ (trained models, the test-set map) are copied
 * as they are, and lib/ holds the library as one browser module (see `libraryBundle`).
 */
import { defineConfig, type Plugin } from 'vite';
import { build as esbuild } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = fileURLToPath(new URL('.', import.meta.url));
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * Also write lib/flowsbi.js, the library's root entry bundled as one ES module for browsers, with
 * the wasm backend's binaries beside it: what the README's plain module-script example imports
 * (through an import map) without a bundler of its own.
 */
function libraryBundle(): Plugin {
  let outDir = '';
  return {
    name: 'flowsbi-library-bundle',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const lib = resolve(outDir, 'lib');
      mkdirSync(lib, { recursive: true });
      await esbuild({ entryPoints: [resolve(root, '../src/index.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, outfile: resolve(lib, 'flowsbi.js'), logLevel: 'warning' });
      const wasmDir = resolve(root, '../node_modules/@tensorflow/tfjs-backend-wasm/dist');
      for (const file of WASM_FILES) copyFileSync(resolve(wasmDir, file), resolve(lib, file));
    },
  };
}

/** Every page of the site: the landing page and one folder per app. */
export const PAGES = ['index.html', 'ricker/index.html', 'playground/index.html', 'vae/index.html', 'bench/index.html'];

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  plugins: [libraryBundle()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: resolve(root, '../dist-web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: { input: Object.fromEntries(PAGES.map((p) => [p.replace(/\/?index\.html$/, '') || 'home', resolve(root, p)])) },
  },
});
