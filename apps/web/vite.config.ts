import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The dashboard is served by the XEM server at /ops: hashed files under /ops/assets/ (cached
 * for a year), index.html for every page route. No inline scripts (the server's CSP forbids them).
 */
export default defineConfig({
  base: '/ops/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev -w @xem/web` against a server on :8080 (same-origin through the proxy).
    proxy: {
      '/ops/api': 'http://127.0.0.1:8080',
      '/ops/stream': 'http://127.0.0.1:8080',
      '/ops/session': 'http://127.0.0.1:8080',
      '/ops/login': {
        target: 'http://127.0.0.1:8080',
        bypass: (req) => (req.method === 'GET' ? req.url : undefined),
      },
      '/ops/logout': 'http://127.0.0.1:8080',
    },
  },
});
