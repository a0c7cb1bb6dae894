import express, { type RequestHandler } from 'express';
import { appError } from '../domain/errors';

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
 * JSON bodies up to the configured limit. Any JSON content type is parsed; a body sent
 * without a content type is tried as JSON too, since curl users often forget the header.
 */
export const jsonBody = (limit: string): RequestHandler => {
  const parse = express.json({
    limit,
    strict: true,
    type: (req) => {
      const ct = req.headers['content-type'];
      return ct === undefined || /^application\/([\w.+-]+\+)?json/i.test(ct);
    },
  });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      next(nestedTooDeep(req.body) ? tooDeep() : undefined);
    });
};

/**
 * The JSON body limit for routes that carry inline media: base64 is 4/3 of the bytes, plus
 * room for the other fields. An oversize body is a 413 before anything is stored.
 */
export const mediaBodyLimit = (mediaMaxBytes: number): number =>
  Math.ceil((mediaMaxBytes * 4) / 3) + 64 * 1024;
