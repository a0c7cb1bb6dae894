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

/**
 * The JSON body limit for routes that carry inline media: base64 is 4/3 of the bytes, plus
 * room for the other fields. An oversize body is a 413 before anything is stored.
 */
export const mediaBodyLimit = (mediaMaxBytes: number): number =>
  Math.ceil((mediaMaxBytes * 4) / 3) + 64 * 1024;
