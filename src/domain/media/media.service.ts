// Inline media: base64 in, checked and decoded here; bytes out to the chat's members only.
import { createHash, randomUUID } from 'node:crypto';
import type { Db, Sql } from '../../infra/db/prisma';
import { SECRETBOX_OVERHEAD } from '../crypto/e2e-box';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import type { NewMedia } from '../messages/fanout';
import { imageInfo } from './image-info';
import { mediaMetaSelect, type MediaMeta } from './media-meta';
import { mediaRepository } from './media.repository';

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

/** A file to be sent in slices: what it is, and its bytes read on demand. */
export interface MediaStream extends MediaMeta {
  /** The bytes in order, SLICE_BYTES at a time; throws media_not_found if the file goes. */
  slices(): AsyncGenerator<Buffer>;
}

/** One read's worth of a download: small enough to keep many downloads cheap in memory. */
export const SLICE_BYTES = 256 * 1024;

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
    private readonly sql: Sql,
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
    // A photo's size, when the sender left it out, is read off its header (if plausible).
    const info = input.kind === 'photo' ? imageInfo(data) : undefined;
    const plausible = (n: number | undefined) => (n && n >= 1 && n <= 20000 ? n : null);
    return {
      id: randomUUID(),
      kind: input.kind,
      mime: input.mime,
      fileName: input.fileName ?? null,
      size: data.length,
      width: input.width ?? plausible(info?.width),
      height: input.height ?? plausible(info?.height),
      sha256: createHash('sha256').update(data).digest('hex'),
      data,
    };
  }

  /**
   * What a file is, for a member of the chat it was sent in (person or bot), without its
   * bytes: unknown ids and media of deleted messages are 404, other chats' media 403.
   */
  async describe(memberUserId: string, mediaId: string): Promise<MediaMeta> {
    const m = isUuid(mediaId)
      ? await this.db.media.findUnique({
          where: { id: mediaId },
          select: {
            ...mediaMetaSelect,
            chat: {
              select: { members: { where: { userId: memberUserId }, select: { userId: true } } },
            },
          },
        })
      : null;
    if (!m) throw appError('media_not_found');
    if (m.chat.members.length === 0) throw appError('not_a_member');
    const { chat: _chat, ...meta } = m;
    return meta;
  }

  /** describe(), with the bytes to follow a slice at a time (downloads of any size). */
  async open(memberUserId: string, mediaId: string): Promise<MediaStream> {
    const meta = await this.describe(memberUserId, mediaId);
    const { sql } = this;
    return {
      ...meta,
      async *slices() {
        for (let from = 0; from < meta.size; from += SLICE_BYTES) {
          const bytes = await mediaRepository.slice(sql, meta.id, from, SLICE_BYTES);
          if (!bytes || bytes.length === 0) throw appError('media_not_found');
          yield bytes;
        }
      },
    };
  }
}
