import type { Request, Response } from 'express';

/**
 * `res.json`, without the ETag on answers nobody revalidates: Express hashes every answer it
 * sends (SHA-1 of the body), but only a GET or HEAD is ever answered 304 from it.
 */
export function answerJson(req: Request, res: Response, body: unknown): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    res.json(body);
    return;
  }
  const text = JSON.stringify(body);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
