import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Express } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers with its defaults, worked out once. They do not depend on the request
 * (no CSP nonces or per-request directives); helmet sets them synchronously.
 */
function helmetHeaders(): [name: string, value: string][] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => void headers.push([name, value]),
    // helmet also removes X-Powered-By; the apps never set it (x-powered-by is disabled).
    removeHeader: () => undefined,
  };
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * helmet's security headers on every response of `app`, added when the response head is
 * written, unless a route has set that header itself (as a route's own header overrode
 * helmet's before).
 *
 * Why not `app.use(helmet())`: that stores a dozen headers on each response when the
 * request arrives, ~3 KB per response that a parked long-poll holds for up to 50 s (30 MB
 * for 10,000). Every response head goes through writeHead (res.send/json/end call it via
 * _implicitHeader), so adding them there covers the same responses, errors and 404s
 * included.
 */
export function securityHeaders(app: Express): void {
  const headers = helmetHeaders();
  const writeHead = app.response.writeHead as (...args: unknown[]) => ServerResponse;
  app.response.writeHead = function (
    this: ServerResponse,
    ...args: [number, (string | OutgoingHttpHeaders)?, OutgoingHttpHeaders?]
  ) {
    if (!this.headersSent) {
      for (const [name, value] of headers) if (!this.hasHeader(name)) this.setHeader(name, value);
    }
    return writeHead.apply(this, args);
  } as typeof app.response.writeHead;
}
