// GET /openapi.json and GET /docs: the document, and Swagger UI's prebuilt bundle
// (swagger-ui-dist, served from node_modules, no CDN) rendering it. The page loads only
// same-origin scripts, so helmet's default Content-Security-Policy holds.
import path from 'node:path';
import express, { Router } from 'express';
import { openApiDocument } from './index';

const UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Quanta Bot Platform API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`;

// Not inline: the CSP allows only same-origin scripts.
const START = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true });\n`;

export function openApiRoutes(): Router {
  const r = Router();
  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  r.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  r.get('/docs/start.js', (_req, res) => {
    res.type('js').send(START);
  });
  r.use('/docs/assets', express.static(UI_DIR, { index: false, fallthrough: false, maxAge: '1h' }));
  return r;
}
