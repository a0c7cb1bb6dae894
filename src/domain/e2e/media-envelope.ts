// Media in an encrypted chat: the bytes are sealed with secretbox under a fresh random key,
// and the text the box (or group secretbox) carries is then not the caption alone but
// JSON {"text": caption, "media_key", "media_nonce"} (both standard base64). The store holds
// only the sealed bytes; whoever opens the message's box can open the file.

export interface MediaEnvelope {
  text: string;
  /** base64, 32 bytes */
  media_key: string;
  /** base64, 24 bytes */
  media_nonce: string;
}

export const envelopeText = (e: MediaEnvelope): string =>
  JSON.stringify({ text: e.text, media_key: e.media_key, media_nonce: e.media_nonce });

/** An opened box's JSON object (an envelope's), or null when it holds plain text. */
export function jsonObjectIn(opened: string): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(opened);
  } catch {
    return null;
  }
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
}

/** The envelope an opened box of a message with media carries, or null when it is not one. */
export function parseEnvelope(opened: string): MediaEnvelope | null {
  const v = jsonObjectIn(opened);
  if (!v) return null;
  const { text, media_key, media_nonce } = v;
  if (typeof media_key !== 'string' || typeof media_nonce !== 'string') return null;
  return { text: typeof text === 'string' ? text : '', media_key, media_nonce };
}
