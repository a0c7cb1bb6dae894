/**
 * @jest-environment ./test/fuzz/process-env.ts
 */
// The fuzz catalogue is complete and aims true: it lists exactly the routes registered on the
// Express routers and exactly the gateway's method table, and every valid input it damages
// is really accepted (so the fuzzers' rejections come from the damage, not from a stale base).
import { METHODS } from '../../src/http/gateway/methods';
import {
  GATEWAY_METHODS,
  REST_ENDPOINTS,
  registeredRoutes,
  restKey,
  type GatewayMethod,
  type RestEndpoint,
} from './endpoints';
import { formEncode, jsonBytes, send, useFuzzPlatform, Wire, type Fuzz } from './harness';
import type { Input } from './arbitraries';

/**
 * The Koto registry's mini-app route, on both listeners: its token is in the path, which the
 * catalogue's credentials do not model. test/miniapps/webapp-url.test.ts covers it.
 */
const KOTO_REGISTRY = ['PUT /v1/bots/:token/webapp', 'DELETE /v1/bots/:token/webapp'];

/**
 * Routes outside the catalogue on purpose: liveness, readiness, the OpenAPI document and its
 * page take no input at all; logout and logout-all take none either, and their valid call
 * would end the fuzz user's session for every endpoint after it (test/accounts/tokens.test.ts
 * covers them).
 */
const INFRASTRUCTURE = [
  'GET /', // the console's page
  'GET /health',
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/start.js',
  'GET /ready',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/logout-all',
  // A valid sendData spends its init data (once per opening): there is no base to damage
  // again and again. test/miniapps/send-data.test.ts covers its refusals.
  'POST /api/v1/chats/:chat_id/webapp-data',
  ...KOTO_REGISTRY,
  // The mini-app bridge scripts: static files, no input (test/miniapps/bridge.test.ts).
  'GET /koto-webapp.js',
  'GET /quanta-webapp.js',
  'GET /telegram-web-app.js',
];

describe('the catalogue covers every route', () => {
  const f = useFuzzPlatform();

  it('lists exactly the routes registered on the API app (messenger + Quanta)', () => {
    const registered = registeredRoutes(f.current.t.platform.api);
    const listed = new Set(REST_ENDPOINTS.map(restKey));
    expect(registered.size).toBeGreaterThan(40); // the walk found the routers at all
    expect([...registered].filter((r) => !listed.has(r) && !INFRASTRUCTURE.includes(r))).toEqual(
      [],
    );
    expect([...listed].filter((r) => !registered.has(r))).toEqual([]);
    expect(listed.size).toBe(REST_ENDPOINTS.length); // no duplicates
  });

  it('lists exactly the gateway method table, and the gateway app has only the registry routes', () => {
    expect(GATEWAY_METHODS.map((m) => m.name.toLowerCase()).sort()).toEqual(
      [...METHODS.keys()].sort(),
    );
    expect([...registeredRoutes(f.current.t.platform.gateway)].sort()).toEqual(
      [...KOTO_REGISTRY].sort(),
    );
  });

  it('has a reason for every 2xx it tolerates', () => {
    for (const e of [...REST_ENDPOINTS, ...GATEWAY_METHODS]) {
      if (e.accepts !== undefined) expect(e.accepts.length).toBeGreaterThan(10);
    }
  });
});

// ── every base input is valid ─────────────────────────────────────────────────────────

function restBaseWire(f: Fuzz, ep: RestEndpoint, base: Input): Wire {
  let path = ep.path;
  for (const [name, valid] of Object.entries(ep.params ?? {}))
    path = path.replace(`:${name}`, valid(f.ctx));
  const headers: Record<string, string> =
    ep.auth === 'bot'
      ? { 'x-bot-token': f.ctx.bot.apiKey }
      : ep.auth === 'user'
        ? { authorization: `Bearer ${f.ctx.user.token}` }
        : {};
  if (ep.input !== 'body') {
    const qs = formEncode(base);
    return new Wire(ep.method, qs ? `${path}?${qs}` : path, headers);
  }
  return new Wire(
    ep.method,
    path,
    { ...headers, 'content-type': 'application/json' },
    jsonBytes(base),
  );
}

describe('every REST base input is accepted', () => {
  const f = useFuzzPlatform();
  // In catalogue order: the webhook PUT is followed by its DELETE, so /updates ran before.
  const cases = REST_ENDPOINTS.flatMap((ep) =>
    // bases need the context, which exists only once the platform is up: index them
    [0, 1].map((i) => [`${restKey(ep)} #${i}`, ep, i] as const),
  );
  it.each(cases)('%s', async (_name, ep, i) => {
    const base = ep.bases(f.current.ctx)[i];
    if (!base) return;
    const res = await send(f.current.api, restBaseWire(f.current, ep, base));
    expect({ status: res.status, body: res.status < 300 ? 'ok' : res.body }).toEqual({
      status: expect.any(Number),
      body: 'ok',
    });
  });
});

function gatewayBaseWire(f: Fuzz, m: GatewayMethod, base: Input): Wire {
  return new Wire(
    'POST',
    `/bot${f.ctx.bot.telegramToken}/${m.name}`,
    { 'content-type': 'application/json' },
    jsonBytes(base),
  );
}

describe('every gateway base input is accepted', () => {
  const f = useFuzzPlatform();
  const cases = GATEWAY_METHODS.flatMap((m) =>
    [0, 1].map((i) => [`${m.name} #${i}`, m, i] as const),
  );
  it.each(cases)('%s', async (_name, m, i) => {
    const base = m.bases(f.current.ctx)[i];
    if (!base) return;
    const res = await send(f.current.gateway, gatewayBaseWire(f.current, m, base));
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: expect.objectContaining({ ok: true }),
    });
  });
});
