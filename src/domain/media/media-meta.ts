// An attachment as stored, without its bytes (those are read only to be served).

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
