import type { Response } from 'express';

/**
 * `res.json` without Express's ETag: bot API answers are never revalidated (no bot library
 * sends If-None-Match), and the ETag is a SHA-1 of the whole body, ~0.1 ms for a poll's
 * 100 updates (docs/performance.md).
 */
export function sendJson(res: Response, body: unknown): void {
  const text = JSON.stringify(body);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
