import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express, Request, Response } from 'express';

/**
 * The HTTP server for an Express app, whose requests and responses are created with the
 * prototypes Express gives them (app.request, app.response) instead of being re-prototyped.
 *
 * Why: Express calls Object.setPrototypeOf on every req/res and then adds its properties
 * (req.next, baseUrl, params, res.locals…). V8 (Node 20) gives an object whose prototype
 * was changed a hidden class of its own for each property added after that, so every
 * request and response carried ~1 KB of private hidden-class metadata (~20 MB for 10,000
 * parked long-polls, and as much again in garbage while they arrived). Born with the
 * right prototype, Express's setPrototypeOf is a no-op and all requests share hidden
 * classes. The classes must be `class … extends`: V8 caches the instance layout only for
 * derived-class constructors, so the app's prototypes become those classes' prototypes
 * (still inheriting everything from Express's originals).
 *
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
