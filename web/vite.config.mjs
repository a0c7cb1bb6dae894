import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';

// The console: built into dist/web, which the api serves at / (src/http/console.routes.ts).
// `npm run dev:web` serves it with hot reload and forwards /api to the platform on :8080.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
