import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// One build for the three targets. The renderer is also what `tidings serve` hands to a browser,
// so it must not assume Electron: it reaches the core only through src/lib/api.ts.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The digest worker (core/digest-pool.ts) is started from its own file beside index.js.
      rollupOptions: { input: { index: resolve(__dirname, 'src-main/app/index.ts'), 'digest-worker': resolve(__dirname, 'src-main/core/digest-worker.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload/index.ts') },
        // A sandboxed preload cannot `require` local chunks or ESM; one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    base: './',
    plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.js') })],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
