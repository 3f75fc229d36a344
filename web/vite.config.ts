// The web UI's build: Vite with Preact, the library imported from ../src as TypeScript, the analysis
// in a module Web Worker. `npm run build:web` writes dist-web/, which `tpusim ui` serves.
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [preact()],
  // Pages are loaded on first visit (main.tsx), so no chunk of the page nears this; the worker bundle
  // (the library) is built apart and not held to it: bench/ui-size.bench.mjs reports every file's size.
  build: { outDir: fileURLToPath(new URL('../dist-web', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 200 },
  worker: { format: 'es' },
  logLevel: 'warn',
});
