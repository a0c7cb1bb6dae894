// One documented operation: registered next to the routes that serve it (each `*.routes.ts`
// exports its list), built into the OpenAPI document by ./document.ts from the same zod
// schemas the handlers parse with.
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call: a person's JWT, a bot's X-Bot-Token, a gateway token, or anyone. */
export type Auth = 'jwt' | 'bot' | 'gateway' | 'none';

export interface Answer {
  description: string;
  /** The body's shape; absent for 204 and for bytes (media). */
  schema?: z.ZodType;
  /** A non-JSON body (media bytes). */
  contentType?: string;
}

export interface Operation {
  method: HttpMethod;
  /** Express style, relative to the router that serves it: `/chats/:chat_id/messages`. */
  path: string;
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Success answers by status; the error answers are added by the document per surface. */
  answers: Record<number, Answer>;
}

export const op = (
  method: HttpMethod,
  path: string,
  auth: Auth,
  summary: string,
  rest: Pick<Operation, 'answers'> & Partial<Pick<Operation, 'body' | 'query'>>,
): Operation => ({ method, path, auth, summary, ...rest });

/** `ops` as mounted under `prefix` (the router's mount path). */
export const mounted = (prefix: string, ops: readonly Operation[]): Operation[] =>
  ops.map((o) => ({ ...o, path: o.path === '/' ? prefix : `${prefix}${o.path}` }));
