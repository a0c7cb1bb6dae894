// The OpenAPI document covers what the api serves, no more and no less, and is valid OpenAPI
// 3.1 by an independent validator; /openapi.json serves it and /docs renders it in Chromium.
import { execFile, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { METHOD_NAMES } from '../../src/http/gateway/methods';
import { DOCUMENTED_METHODS } from '../../src/http/gateway/methods/docs';
import { openApiPath } from '../../src/http/openapi/document';
import { openApiDocument } from '../../src/http/openapi';
import { startListening, type Listening } from '../gateway/support';
import { useTestPlatform } from '../support/platform';

const t = useTestPlatform();
const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string | string[];
  slash?: boolean;
}

/** Every `METHOD path` an Express app routes, with mount prefixes joined. */
function servedRoutes(app: Express): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = [layer.route.path].flat();
        for (const method of Object.keys(layer.route.methods)) {
          for (const p of paths)
            found.push({ method, path: p === '/' ? prefix || '/' : prefix + p });
        }
      } else if (layer.handle.stack) {
        const mount = layer.slash || layer.rawPath === undefined ? '' : String(layer.rawPath);
        walk(layer.handle.stack, prefix + (mount === '/' ? '' : mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found;
}

/** The source file that registers `method path` (a route's last segments), for the message. */
function registeredIn(method: string, routePath: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) files.push(full);
    }
  };
  walk(path.join(PROJECT_ROOT, 'src/http'));
  for (let cut = 0; cut < routePath.length; cut = routePath.indexOf('/', cut + 1)) {
    if (cut < 0) break;
    const tail = routePath.slice(cut);
    const hit = files.find((f) => readFileSync(f, 'utf8').includes(`.${method}('${tail}'`));
    if (hit) return path.relative(PROJECT_ROOT, hit);
  }
  return 'src/http (its router)';
}

describe('the OpenAPI document', () => {
  it('documents every route the api serves, and the gateway methods', () => {
    const served = servedRoutes(t.current.platform.api);
    expect(served.length).toBeGreaterThan(60);
    const missing = served
      .filter(({ method, path: p }) => !doc.paths[openApiPath(p)]?.[method])
      .map(({ method, path: p }) => {
        const file = registeredIn(method, p);
        return (
          `${method.toUpperCase()} ${p} is served (registered in ${file}) but not documented: ` +
          `add op('${method}', '<path as in that router>', ...) to the *Docs list in ${file}, ` +
          'and that list to src/http/openapi/index.ts if it is new'
        );
      });
    const methods = [...METHOD_NAMES.values()]
      .filter((m) => !DOCUMENTED_METHODS.has(m))
      .map(
        (m) =>
          `gateway method ${m} is served but not documented: add it to src/http/gateway/methods/docs.ts`,
      );
    expect([...new Set(missing), ...methods]).toEqual([]);
  });

  it('documents nothing the api does not serve', () => {
    const served = new Set(
      servedRoutes(t.current.platform.api).map((r) => `${r.method} ${openApiPath(r.path)}`),
    );
    const extra: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      if (p.startsWith('/gateway/bot{token}/')) {
        const name = p.slice('/gateway/bot{token}/'.length);
        if (!METHOD_NAMES.has(name.toLowerCase())) extra.push(`gateway method ${name}`);
        continue;
      }
      for (const method of Object.keys(ops)) {
        if (!served.has(`${method} ${p}`)) extra.push(`${method.toUpperCase()} ${p}`);
      }
    }
    expect(extra).toEqual([]);
  });

  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const cli = path.join(PROJECT_ROOT, 'node_modules/.bin/validate-api');
    const run = spawnSync(cli, [file], { encoding: 'utf8' });
    expect(JSON.parse(run.stdout)).toEqual({ valid: true });
    expect((doc as { openapi?: string }).openapi).toBe('3.1.0');
  });

  it('describes request bodies with the schemas the routes parse with', () => {
    const send = doc.paths['/api/v1/bot/send-message']!.post as {
      requestBody: { content: { 'application/json': { schema: Record<string, unknown> } } };
    };
    const schema = send.requestBody.content['application/json'].schema;
    expect(schema).toMatchObject({
      type: 'object',
      required: ['chat_id', 'content'],
      additionalProperties: false,
    });
    expect(Object.keys(schema.properties as object)).toEqual([
      'chat_id',
      'content',
      'payload',
      'reply_to_message_id',
    ]);
  });

  it('is served at /openapi.json, and /docs loads only same-origin assets', async () => {
    const json = await t.current.http.get('/openapi.json').expect(200);
    expect(json.body).toEqual(JSON.parse(JSON.stringify(doc)));
    const page = await t.current.http.get('/docs').expect(200).expect('content-type', /html/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect(src.startsWith('/')).toBe(true);
      await t.current.http.get(src).expect(200);
    }
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });
});

/** Chromium's stdout; asynchronous, as the server it visits runs in this process. */
const chromium = (bin: string, args: string[]) =>
  new Promise<string>((resolve, reject) => {
    execFile(bin, args, { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout) => {
      if (err) reject(new Error(`${bin}: ${err.message}`));
      else resolve(stdout);
    });
  });

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

(CHROMIUM ? describe : describe.skip)('/docs in headless Chromium', () => {
  let live: Listening;
  beforeAll(async () => {
    live = await startListening();
  });
  afterAll(async () => {
    await live?.close();
  });

  it('renders the operations of all three APIs under the CSP', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docs-shot-'));
    const common = [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      `--user-data-dir=${dir}`,
      '--virtual-time-budget=15000',
      '--window-size=1280,2400',
    ];
    const url = `http://127.0.0.1:${live.port}/docs`;
    const dom = await chromium(CHROMIUM!, [...common, '--dump-dom', url]);
    for (const shown of ['/api/v1/bot/send-message', '/api/v1/chats', 'sendMessage', 'quanta']) {
      expect(dom).toContain(shown);
    }
    const shot = path.join(dir, 'docs.png');
    await chromium(CHROMIUM!, [...common, `--screenshot=${shot}`, url]);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    // Kept for a person to look at.
    if (process.env.DOCS_SCREENSHOT) writeFileSync(process.env.DOCS_SCREENSHOT, readFileSync(shot));
  }, 150_000);
});
