// The mini-app bridge scripts, read once at start: /koto-webapp.js (also /quanta-webapp.js)
// and /telegram-web-app.js (the same bridge with window.Telegram.WebApp on top). Mini apps
// load them from their own origins, so they are served cross-origin.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { PROJECT_ROOT } from '../infra/paths';
import { op } from './openapi/operation';

const DIR = path.join(PROJECT_ROOT, 'webapp');

function script(source: string): RequestHandler {
  const etag = `"${createHash('sha256').update(source).digest('base64url').slice(0, 27)}"`;
  return (req, res) => {
    res.set({
      'content-type': 'text/javascript; charset=utf-8',
      'cross-origin-resource-policy': 'cross-origin',
      'access-control-allow-origin': '*',
      'cache-control': 'public, max-age=300',
      etag,
    });
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.send(source);
  };
}

export function webAppScriptRoutes(): Router {
  const bridge = readFileSync(path.join(DIR, 'koto-webapp.js'), 'utf8');
  const telegram = `${bridge}\n${readFileSync(path.join(DIR, 'telegram-web-app.js'), 'utf8')}`;
  const r = Router();
  r.get(['/koto-webapp.js', '/quanta-webapp.js'], script(bridge));
  r.get('/telegram-web-app.js', script(telegram));
  return r;
}

const scriptAnswer = { 200: { description: 'JavaScript', contentType: 'text/javascript' } };

/** OpenAPI registrations of `webAppScriptRoutes` (at the root). */
export const webAppScriptDocs = [
  op('get', '/koto-webapp.js', 'none', 'The mini-app bridge (KotoWebApp)', {
    answers: scriptAnswer,
  }),
  op('get', '/quanta-webapp.js', 'none', 'The same bridge', { answers: scriptAnswer }),
  op('get', '/telegram-web-app.js', 'none', 'The bridge with window.Telegram.WebApp on top', {
    answers: scriptAnswer,
  }),
];
