// What a photo or document looks like on the way in: base64 bytes plus the sender's claims
// about them (type, name, size, dimensions), each checked here or when decoded.
import { z } from 'zod';
import { invalid } from '../errors';
import type { MediaInput } from './media.service';

/** Photos are shown inline by clients, so only formats every client renders (no SVG: it is code). */
export const PHOTO_MIMES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

// RFC 6838 type/subtype, no parameters.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export const mime = z
  .string()
  .max(255, 'must be at most 255 characters')
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => MIME.test(s), 'must be a media type like application/pdf');

export const photoMime = mime.refine(
  (s) => (PHOTO_MIMES as readonly string[]).includes(s),
  `must be one of ${PHOTO_MIMES.join(', ')}`,
);

export const dimension = z
  .number()
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(20000, 'must be at most 20000');

// No path separators or control characters: the name ends up in a Content-Disposition header.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f/\\]/;

export const fileName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine((s) => !UNSAFE_IN_NAME.test(s), 'must not contain / \\ or control characters');

/** Base64 text; decoded (and size-checked against MEDIA_MAX_BYTES) by MediaService. */
export const base64 = z.string().min(1, 'must not be empty');

/** A user's attachment on a messenger message: `kind` defaults to photo for image types. */
export const userMediaInput = z.object({
  data: base64,
  mime,
  kind: z.enum(['photo', 'document']).optional(),
  file_name: fileName.optional(),
  w: dimension.optional(),
  h: dimension.optional(),
});

export type UserMediaInput = z.infer<typeof userMediaInput>;

/** A messenger attachment: a photo when the type is one clients show inline. */
export function userMediaDraft(m: UserMediaInput): MediaInput {
  const showable = (PHOTO_MIMES as readonly string[]).includes(m.mime);
  if (m.kind === 'photo' && !showable) {
    throw invalid('media.mime', `a photo must be one of ${PHOTO_MIMES.join(', ')}`);
  }
  return {
    field: 'media.data',
    kind: m.kind ?? (showable ? 'photo' : 'document'),
    base64: m.data,
    mime: m.mime,
    fileName: m.file_name ?? null,
    width: m.w ?? null,
    height: m.h ?? null,
  };
}
