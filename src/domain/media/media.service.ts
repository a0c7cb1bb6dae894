// Inline media: base64 in, checked and decoded here; bytes out to the chat's members only.
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../infra/db/prisma';
import { SECRETBOX_OVERHEAD } from '../crypto/e2e-box';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import type { NewMedia } from '../messages/fanout';

export interface MediaInput {
  /** The body field the bytes came in, for error messages ("photo", "media.data"). */
  field: string;
  kind: 'photo' | 'document';
  base64: string;
  /** Already validated by the schema (lower-case type/subtype). */
  mime: string;
  fileName?: string | null;
  width?: number | null;
  height?: number | null;
  /** The size the sender declared (send-document's `size`): must match the bytes. */
  declaredSize?: number;
  /** Sealed by the sender's client (an encrypted chat): the bytes are secretbox output. */
  sealed?: boolean;
}

export interface MediaFile {
  kind: 'photo' | 'document';
  mime: string;
  fileName: string | null;
  size: number;
  sha256: string;
  data: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Leading bytes of each photo type: a photo must be what it says it is. */
export const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])),
  'image/gif': (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' &&
    b.subarray(8, 12).toString('latin1') === 'WEBP',
};

export class MediaService {
  constructor(
    private readonly db: Db,
    private readonly maxBytes: number,
  ) {}

  /**
   * Decode and check one attachment: 413 above MEDIA_MAX_BYTES (judged from the base64
   * length, before decoding), 400 for bad base64, a size that differs from the declared
   * one, or a photo whose bytes are not of its declared type.
   */
  decode(input: MediaInput): NewMedia {
    const { field } = input;
    // Line-wrapped base64 (the `base64` tool's default) is fine; nothing else is.
    const text = /\s/.test(input.base64) ? input.base64.replace(/\s+/g, '') : input.base64;
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    const estimated = Math.floor((text.length * 3) / 4) - padding;
    if (estimated > this.maxBytes) {
      throw appError('media_too_large', { field, detail: String(this.maxBytes) });
    }
    if (!BASE64.test(text) || text.length % 4 === 1 || (padding > 0 && text.length % 4 !== 0)) {
      throw invalid(field, 'must be base64');
    }
    const data = Buffer.from(text, 'base64');
    if (data.length === 0) throw invalid(field, 'must not be empty');
    if (input.declaredSize !== undefined && input.declaredSize !== data.length) {
      throw invalid('size', `is ${input.declaredSize} but the ${field} has ${data.length} bytes`);
    }
    if (input.sealed && data.length <= SECRETBOX_OVERHEAD) {
      throw invalid(field, 'must be nacl.secretbox output in an encrypted message');
    }
    // Sealed bytes cannot show what they are: the type is the sender's word.
    if (input.kind === 'photo' && !input.sealed && !MAGIC[input.mime]?.(data)) {
      throw invalid(field, `the bytes are not ${input.mime}`);
    }
    return {
      id: randomUUID(),
      kind: input.kind,
      mime: input.mime,
      fileName: input.fileName ?? null,
      size: data.length,
      width: input.width ?? null,
      height: input.height ?? null,
      sha256: createHash('sha256').update(data).digest('hex'),
      data,
    };
  }

  /**
   * The bytes, for a member of the chat they were sent in (person or bot): unknown ids and
   * media of deleted messages are 404, other chats' media 403.
   */
  async read(memberUserId: string, mediaId: string): Promise<MediaFile> {
    const m = isUuid(mediaId)
      ? await this.db.media.findUnique({
          where: { id: mediaId },
          include: {
            chat: {
              select: { members: { where: { userId: memberUserId }, select: { userId: true } } },
            },
          },
        })
      : null;
    if (!m) throw appError('media_not_found');
    if (m.chat.members.length === 0) throw appError('not_a_member');
    return {
      kind: m.kind,
      mime: m.mime,
      fileName: m.fileName,
      size: m.size,
      sha256: m.sha256,
      data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength),
    };
  }
}
