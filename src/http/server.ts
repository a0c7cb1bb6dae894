import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express, Request, Response } from 'express';

/**
 * The HTTP server for an Express app, whose requests and responses are born with Express's
 * prototypes, so they share hidden classes instead of ~1 KB each (docs/performance.md).
 * Mutates `app` (its request/response prototypes); call once per app.
 */
export function createAppServer(app: Express): Server {
  class AppRequest extends IncomingMessage {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  app.request = AppRequest.prototype as unknown as Request;

  class AppResponse<R extends IncomingMessage = IncomingMessage> extends ServerResponse<R> {}
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  app.response = AppResponse.prototype as unknown as Response;

  return createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}
