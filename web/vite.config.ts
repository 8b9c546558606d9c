/**
 * The web app's build: `npm run web` serves web/ with Vite's dev server, `npm run build:web` writes
 * a static site to dist-web/ with relative asset paths (base './'), so any static file server can
 * host it from any folder. Assets under web/public/ (trained models, the test-set map) are copied
 * as they are.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Every page of the site: the landing page and one folder per app. */
export const PAGES = ['index.html', 'ricker/index.html', 'playground/index.html', 'vae/index.html', 'bench/index.html'];

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
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
