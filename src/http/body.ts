import express, { type Request, type RequestHandler } from 'express';
import { appError } from '../domain/errors';
import type { EdgeLimits } from './edge-limits';

/**
 * How deeply request JSON may nest. JSON.parse copes with any depth, but the recursive code
 * after it does not (zod refinements, JSON.stringify, the gateway's attach:// walk, jsonb):
 * `[[[…]]]` 5,000 deep overflowed the stack into a 500. Real payloads nest a few levels.
 */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests arrays/objects deeper than `max` (walked without recursion). */
export function nestedTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export const tooDeep = () => appError('json_too_deep', { detail: String(MAX_JSON_DEPTH) });

/**
 * JSON bodies up to the configured limit, a large one only with a slot (EdgeLimits). Any JSON
 * content type is parsed; a body sent without a content type is tried as JSON too, since curl
 * users often forget the header.
 */
export const jsonBody = (limit: string, limits: EdgeLimits): RequestHandler => {
  const parse = express.json({
    limit,
    strict: true,
    type: (req) => {
      const ct = req.headers['content-type'];
      return ct === undefined || /^application\/([\w.+-]+\+)?json/i.test(ct);
    },
  });
  return (req, res, next) => {
    limits.admitBody(req, res);
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      next(nestedTooDeep(req.body) ? tooDeep() : undefined);
    });
  };
};

/**
 * `read` only for a request whose credential the prefix's auth step accepted: nobody gets a
 * body read (or parsed) before that; without one, the handler's userOf/botOf answers 401.
 */
export const bodyAfterAuth =
  (read: RequestHandler, authenticated: (req: Request) => boolean): RequestHandler =>
  (req, res, next) => {
    if (!authenticated(req)) return next();
    read(req, res, next);
  };

export const hasBot = (req: Request) => req.bot !== undefined;
export const hasUser = (req: Request) => req.user !== undefined;

/**
 * The JSON body limit for routes that carry inline media: base64 is 4/3 of the bytes, plus
 * room for the other fields. An oversize body is a 413 before anything is stored.
 */
export const mediaBodyLimit = (mediaMaxBytes: number): number =>
  Math.ceil((mediaMaxBytes * 4) / 3) + 64 * 1024;

/** The JSON readers an API mounts after its auth step. */
export interface BodyReaders {
  /** Up to BODY_LIMIT. */
  json: RequestHandler;
  /** Routes whose JSON may carry inline base64 media. */
  media: RequestHandler;
  /** Sign-up and sign-in, read without a credential: small. */
  signIn: RequestHandler;
}
