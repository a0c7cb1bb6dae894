// How an attachment is described to each audience. The bytes themselves are fetched from
// the URL given (members only); a bot's `message` update also carries small files inline.

export interface MediaMeta {
  id: string;
  kind: 'photo' | 'document';
  mime: string;
  fileName: string | null;
  size: number;
  width: number | null;
  height: number | null;
  sha256: string;
}

/** Everything but the bytes: what message reads load (a history page must not pull files). */
export const mediaMetaSelect = {
  id: true,
  kind: true,
  mime: true,
  fileName: true,
  size: true,
  width: true,
  height: true,
  sha256: true,
} as const;

/**
 * Files up to this size ride base64-encoded in the bot's `message` update (`media.data`),
 * as the Koto reference puts them in the message, so a bot can handle a small photo without
 * a second request. Larger ones would bloat every update row and webhook body (the update
 * log keeps one copy per bot), so the bot fetches them from `media.url` with its token.
 */
export const INLINE_MEDIA_MAX_BYTES = 64 * 1024;

export const userMediaUrl = (id: string) => `/api/v1/media/${id}`;
export const botMediaUrl = (id: string) => `/api/v1/bot/media/${id}`;

export interface MediaView {
  id: string;
  kind: 'photo' | 'document';
  mime: string;
  size: number;
  sha256: string;
  file_name?: string;
  w?: number;
  h?: number;
  /** Path to GET the bytes (messenger: JWT; bot: X-Bot-Token). */
  url: string;
  /** Base64 bytes, in a bot's `message` update when size <= INLINE_MEDIA_MAX_BYTES. */
  data?: string;
}

export function toMediaView(m: MediaMeta, url: string, bytes?: Buffer | null): MediaView {
  return {
    id: m.id,
    kind: m.kind,
    mime: m.mime,
    size: m.size,
    sha256: m.sha256,
    ...(m.fileName !== null && { file_name: m.fileName }),
    ...(m.width !== null && { w: m.width }),
    ...(m.height !== null && { h: m.height }),
    url,
    ...(bytes && bytes.length <= INLINE_MEDIA_MAX_BYTES && { data: bytes.toString('base64') }),
  };
}
