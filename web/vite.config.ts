// Vite builds the app into dist/, which the server embeds (src/web.rs). The build must be
// deterministic (CI rebuilds it and fails on any difference), so file names carry content
// hashes only and the precompressed variants are written with fixed settings.
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;

/** Writes `.br` and `.gz` beside every compressible file of the bundle. */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'partnerhub-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir)
          .sort()
          .flatMap((name) => {
            const path = join(dir, name);
            return statSync(path).isDirectory() ? walk(path) : [path];
          });
      for (const path of walk(outDir)) {
        if (!COMPRESSIBLE.test(path)) continue;
        const data = readFileSync(path);
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 11,
              [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
          }),
        );
      }
    },
  };
}

const backend = process.env.PARTNERHUB_BACKEND ?? 'http://127.0.0.1:7420';

export default defineConfig({
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': backend,
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // The browser build of graphology-gexf reads the page's DOMParser when loaded; the unit
    // tests run in Node, where the package's main entry has the same writer (and a parser).
    alias: { 'graphology-gexf/browser': 'graphology-gexf' },
  },
});
