// Sealing what a bot sends into an encrypted chat, with the bot's secret key in memory: the
// platform's edge for a managed bot and the self-hosted gateway for a self-custody one.
import { createHash } from 'node:crypto';
import { boxText, decodeBase64, sealBytes, sealForGroup } from '../crypto/e2e-box';
import type { MessagePayload } from '../messages/message';
import type { Encryption } from './envelope';
import { envelopeText } from './media-envelope';

/** A bot's text sealed for the chat: what is stored instead. */
export interface SealedSend<M> {
  content: string;
  /** nonce and the public keys (a group's key boxes), merged into the message's payload */
  stamps: MessagePayload;
  /** The attachment with its bytes sealed (their key is inside the box). */
  media?: M;
}

/**
 * `text` (and `media`'s bytes, whose key then rides in the box as a media envelope) sealed
 * from the holder of `secret` to whom `enc` names: the person of a direct chat, or every
 * member of a group, the sender included (it opens its own message again: quotes, edits).
 */
export function sealForChat<M extends { data: Buffer }>(
  enc: Encryption,
  secret: Uint8Array,
  text: string,
  media?: M,
): SealedSend<M> {
  let sealedMedia: M | undefined;
  if (media) {
    const bytes = sealBytes(media.data);
    sealedMedia = { ...media, ...fileOf(bytes.data) };
    text = envelopeText({ text, media_key: bytes.key, media_nonce: bytes.nonce });
  }
  if (enc.kind === 'direct') {
    const sealed = boxText(text, decodeBase64(enc.recipient)!, secret);
    return {
      media: sealedMedia,
      content: sealed.box,
      stamps: {
        nonce: sealed.nonce,
        sender_public_key: enc.sender,
        recipient_public_key: enc.recipient,
      },
    };
  }
  const to = enc.members.map((m) => ({ id: m.userId, publicKey: decodeBase64(m.publicKey)! }));
  const sealed = sealForGroup(text, to, secret);
  return {
    media: sealedMedia,
    content: sealed.box,
    stamps: { nonce: sealed.nonce, keys: sealed.keys, sender_public_key: enc.sender },
  };
}

/** Size and digest of bytes as a file is described. */
export function fileOf(data: Buffer): { data: Buffer; size: number; sha256: string } {
  return { data, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}
