import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../infra/logger';
import { httpRequestDuration, type Surface } from '../infra/metrics';

/** Query parameters logged with their values: paging and polling, never texts or secrets. */
const LOGGED_PARAMS = new Set(['offset', 'limit', 'timeout', 'after', 'before']);

/**
 * What a log may say of a URL: its path, with a gateway token (`/bot<token>/method`, the Koto
 * registry's `/v1/bots/<token>/…`) redacted, and the allow-listed query parameters only. Any
 * other parameter may be a secret_token, a message text or a token (the gateway takes every
 * method's parameters from the query).
 */
export function scrubUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q))
    .replace(/^\/v1\/bots\/[^/]+/i, '/v1/bots/[redacted]')
    .replace(/\/bot[^/]+/i, '/bot[redacted]');
  if (q < 0) return path;
  const kept = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
    if (LOGGED_PARAMS.has(name)) kept.append(name, value);
  }
  return kept.size > 0 ? `${path}?${kept.toString()}` : path;
}

/** The client's x-request-id when it is a plain token, else a fresh one. */
const requestId = (req: IncomingMessage) => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
};

const STARTED = Symbol('requestStarted');
const ROUTE = Symbol('metricsRoute');
interface MatchedRoute {
  path: string | string[];
}
type Logged = ServerResponse & {
  req: IncomingMessage & { originalUrl?: string; route?: MatchedRoute };
  [STARTED]?: number;
  [ROUTE]?: string;
};

/** Names the route of a request Express does not route itself (the gateway's method). */
export function routeAs(res: ServerResponse, route: string): void {
  (res as Logged)[ROUTE] = route;
}

/** Full route patterns by Express route object: built once, never from ids or tokens. */
const patterns = new WeakMap<MatchedRoute, string>();

function routeLabel(res: Logged): string {
  const named = res[ROUTE];
  if (named !== undefined) return named;
  const { route, originalUrl = '' } = res.req;
  if (!route) return 'unmatched';
  let pattern = patterns.get(route);
  if (pattern === undefined) {
    pattern = fullPattern(route.path, originalUrl);
    if (typeof route.path === 'string' && pattern !== 'unmatched') patterns.set(route, pattern);
  }
  return pattern;
}

/**
 * The mount prefix + the route's pattern. Not `req.baseUrl`: Express resets it when an error
 * leaves a router. Mounts hold no parameters, so the path's segments before those the pattern
 * matched are the mount.
 */
function fullPattern(path: string | string[], url: string): string {
  // Lower case: routing ignores case, and the label must not vary with the client's.
  const segments = url.split('?', 1)[0]!.toLowerCase().replace(/\/+$/, '').split('/');
  const candidates = typeof path === 'string' ? [path] : path;
  for (const p of candidates) {
    if (p === '/') return segments.join('/') || '/';
    const own = p.toLowerCase().split('/').slice(1);
    if (own.length >= segments.length) continue;
    const tail = segments.slice(segments.length - own.length);
    if (own.every((seg, i) => seg.startsWith(':') || seg === tail[i])) {
      return segments.slice(0, segments.length - own.length).join('/') + p;
    }
  }
  return 'unmatched';
}

/** Status codes as label strings, made once. */
const STATUS: readonly string[] = Array.from({ length: 600 }, (_, i) => String(i));

/** The API a request on the main listener speaks, by its mount; undefined for health. */
function surfaceOf(url: string): Surface | undefined {
  if (url.startsWith('/api/v1/bot/') || url === '/api/v1/bot') return 'quanta';
  if (url.startsWith('/gateway/')) return 'gateway';
  if (url.startsWith('/api/v1/')) return 'messenger';
  return undefined;
}

type DurationChild = ReturnType<typeof httpRequestDuration.labels>;
/** Bound by routes × methods × statuses; past it, children are looked up each time. */
const MAX_CHILDREN = 4096;
const children = new Map<string, DurationChild>();

/** The histogram's child for these labels: `labels()` hashes its arguments on every call. */
function durationOf(surface: Surface, route: string, method: string, status: string) {
  const key = `${surface} ${route} ${method} ${status}`;
  let child = children.get(key);
  if (!child) {
    child = httpRequestDuration.labels(surface, route, method, status);
    if (children.size < MAX_CHILDREN) children.set(key, child);
  }
  return child;
}

/**
 * Request logs carry method, scrubbed URL, status, timing and request id, never headers or
 * bodies: both may hold tokens and passwords. The line is pino-http's, written once, on
 * whichever of finish / close / error comes first; a request holds only its start time, not
 * pino-http's ~1.2 KB (docs/performance.md). The same timing feeds
 * `http_request_duration_seconds`; `surface` fixes the API (the gateway's own listener),
 * otherwise the path's mount tells it; `recordMetrics` false (METRICS_ENABLED) skips it.
 */
export function requestLog(log: Logger, surface?: Surface, recordMetrics = true): RequestHandler {
  function logResponse(this: Logged, err?: Error): void {
    const start = this[STARTED];
    if (start === undefined) return;
    this[STARTED] = undefined;
    this.off('finish', logResponse).off('close', logResponse).off('error', logResponse);
    const { req } = this;
    const elapsed = performance.now() - start;
    const face = surface ?? surfaceOf(req.originalUrl ?? req.url ?? '');
    if (face && recordMetrics) {
      durationOf(
        face,
        routeLabel(this),
        req.method ?? '',
        STATUS[this.statusCode] ?? String(this.statusCode),
      ).observe(elapsed / 1000);
    }
    const failed = err !== undefined || this.statusCode >= 500;
    // Below the log's level the line is not built (an id may cost a randomUUID).
    if (!failed && !log.isLevelEnabled('info')) return;
    const fields = {
      req: {
        id: requestId(req),
        method: req.method,
        url: scrubUrl(req.originalUrl ?? req.url ?? ''),
      },
      res: { statusCode: this.statusCode },
      responseTime: Math.round(elapsed),
    };
    if (failed) {
      const error = err ?? new Error(`failed with status code ${this.statusCode}`);
      log.error({ ...fields, err: error }, 'request errored');
    } else {
      const done = !req.readableAborted && this.writableEnded;
      log.info(fields, done ? 'request completed' : 'request aborted');
    }
  }
  return (req, res, next) => {
    if (req.url !== '/health') {
      (res as Logged)[STARTED] = performance.now();
      res.on('finish', logResponse).on('close', logResponse).on('error', logResponse);
    }
    next();
  };
}
