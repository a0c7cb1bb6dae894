import type { Request, Response } from 'express';
import type { MediaFile, MediaStream } from '../domain/media/media.service';

/** `filename*` (RFC 6266/5987) keeps any name intact; the ASCII `filename` is the fallback. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The stored bytes with their declared type. Members upload whatever they like, so the
 * response is locked down: no sniffing (helmet), a sandboxing CSP in case a browser opens
 * it, and documents as downloads. The content never changes for an id: cacheable, with the
 * SHA-256 as ETag (Express answers 304 to a matching If-None-Match).
 */
export function sendMedia(res: Response, file: MediaFile): void {
  mediaHeaders(res, file);
  res.send(file.data);
}

function mediaHeaders(res: Response, file: Omit<MediaFile, 'data'>): void {
  // setHeader, not res.type(): Express would append a charset to text types.
  res.setHeader('Content-Type', file.mime);
  res.setHeader('ETag', `"${file.sha256}"`);
  res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader(
    'Content-Disposition',
    file.kind === 'photo' ? 'inline' : attachment(file.fileName ?? 'file'),
  );
}

/** Until the client has taken what was written, or gone away; no listener is left behind. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * sendMedia for a file read in slices: the same headers, then each slice written as the
 * client takes it (never more than one slice held). A client that goes away stops the reads;
 * a file deleted half-way cuts the response short rather than sending a wrong one.
 */
export async function streamMedia(req: Request, res: Response, file: MediaStream): Promise<void> {
  mediaHeaders(res, file);
  res.setHeader('Content-Length', String(file.size));
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    for await (const bytes of file.slices()) {
      if (res.destroyed) return;
      if (!res.write(bytes)) await drained(res);
    }
    res.end();
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy();
  }
}
