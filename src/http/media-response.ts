import type { Response } from 'express';
import type { MediaFile } from '../domain/media/media.service';

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
  // setHeader, not res.type(): Express would append a charset to text types.
  res.setHeader('Content-Type', file.mime);
  res.setHeader('ETag', `"${file.sha256}"`);
  res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader(
    'Content-Disposition',
    file.kind === 'photo' ? 'inline' : attachment(file.fileName ?? 'file'),
  );
  res.send(file.data);
}
