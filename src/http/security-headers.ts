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
 * written (errors and 404s included), unless a route has set that header itself. Not
 * `app.use(helmet())`: a parked poll would hold ~3 KB of headers (docs/performance.md).
 */
export function securityHeaders(app: Express): void {
  const headers = helmetHeaders();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound to each response below
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
