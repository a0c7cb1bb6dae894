// The web console (web/, built by `npm run build:web` into dist/web) at /, same origin as the
// API. Its own CSP: blob: images (media fetched with the session header, decrypted files)
// and mini apps in iframes from their own origins.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { PROJECT_ROOT } from '../infra/paths';
import { op } from './openapi/operation';

export const CONSOLE_DIR = path.join(PROJECT_ROOT, 'dist', 'web');

function contentSecurityPolicy(allowHttpApps: boolean): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    `frame-src https:${allowHttpApps ? ' http:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function consoleRoutes(opts: { allowHttpApps: boolean; dir?: string }): Router {
  const dir = opts.dir ?? CONSOLE_DIR;
  const csp = contentSecurityPolicy(opts.allowHttpApps);
  const r = Router();
  r.use(['/', '/assets'], (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.set('content-security-policy', csp);
    next();
  });
  if (!existsSync(path.join(dir, 'index.html'))) {
    r.get('/', (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The web console is not built: run `npm run build:web` (scripts/dev.sh does).\n');
    });
    return r;
  }
  r.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      fallthrough: false,
    }),
  );
  r.get('/', (_req, res) => {
    res.set('cache-control', 'no-cache');
    res.sendFile(path.join(dir, 'index.html'));
  });
  return r;
}

export const consoleDocs = [
  op('get', '/', 'none', 'The web console (sign in, chats, my bots)', {
    answers: { 200: { description: 'HTML', contentType: 'text/html' } },
  }),
];
