// A bot avatar as registered: an http(s) URL kept as given, or an image (base64, optionally
// a data: URL) stored apart from the bot row so bot auth never loads or caches its bytes.
import { createHash } from 'node:crypto';
import { invalid } from '../errors';
import { PHOTO_MIMES } from '../media/media.schemas';
import { MAGIC } from '../media/media.service';

export interface AvatarImage {
  mime: string;
  size: number;
  sha256: string;
  data: Buffer;
}

export type AvatarInput = { url: string } | { image: AvatarImage };

/** Where the owner and the bot's chat members fetch an uploaded avatar (JWT). */
export const botAvatarUrl = (botId: string, sha256: string) =>
  `/api/v1/bot/avatar/${botId}?v=${sha256.slice(0, 16)}`;

/** The schema checked the characters and the length; the type is read from the bytes. */
export function avatarInput(avatar: string): AvatarInput {
  if (/^https?:\/\//.test(avatar)) return { url: avatar };
  const data = Buffer.from(avatar.replace(/^data:[^,]*,/, ''), 'base64');
  const mime = PHOTO_MIMES.find((m) => MAGIC[m]?.(data));
  if (!mime) throw invalid('avatar', 'must be a JPEG, PNG, GIF or WebP image');
  const sha256 = createHash('sha256').update(data).digest('hex');
  return { image: { mime, size: data.length, sha256, data } };
}
