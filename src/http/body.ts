import express, { type RequestHandler } from 'express';

/**
 * JSON bodies up to the configured limit. Any JSON content type is parsed; a body sent
 * without a content type is tried as JSON too, since curl users often forget the header.
 */
export const jsonBody = (limit: string): RequestHandler =>
  express.json({
    limit,
    strict: true,
    type: (req) => {
      const ct = req.headers['content-type'];
      return ct === undefined || /^application\/([\w.+-]+\+)?json/i.test(ct);
    },
  });
