// The bench web UI: built into web/dist, which `aliquot serve --web web/dist` serves at / and
// /assets/*. Relative asset URLs (base './') so that the pages work under any path prefix.
//
//   npx vite build --config web/vite.config.ts      (from the repository root)
//   npx vite --config web/vite.config.ts            (development: /api goes to ALIQUOT_API)

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  // Vite's and vitest's caches under the repository's node_modules, not a web/node_modules.
  cacheDir: fileURLToPath(new URL('../node_modules/.vite', import.meta.url)),
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One script and one style sheet: the bench opens a handful of screens, all small.
    cssCodeSplit: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': { target: process.env.ALIQUOT_API ?? 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
} as Parameters<typeof defineConfig>[0]);
