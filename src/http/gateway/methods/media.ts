// sendPhoto / sendDocument: a file part from a library's multipart upload, or the Koto
// reference's base64 string with its mime/size fields. Either becomes the media domain's
// base64 input; what Telegram clients leave out (type, pixel size, name) is read off the file.
import { z } from 'zod';
import { appError, invalid } from '../../../domain/errors';
import { isUuid } from '../../../domain/ids';
import { dimension, fileName, mime, photoMime } from '../../../domain/media/media.schemas';
import { caption } from '../../../domain/messages/messages.schemas';
import type { Draft } from '../../../domain/messages/messages.service';
import { parse } from '../../../domain/validation';
import { imageInfo } from '../../../domain/media/image-info';
import { buttonsFrom } from '../markup';
import { isUploadedFile, type UploadedFile } from '../params';
import { tgMessage } from '../shapes';
import type { Method } from './types';
import { int, replyArgs, replyTarget, requiredId, text } from './args';

const common = {
  chat_id: requiredId,
  caption: text.pipe(caption).optional(),
  reply_markup: z.unknown().optional(),
  ...replyArgs,
};

export const photoArgs = z.object({
  ...common,
  photo: z.unknown().optional(),
  mime: z.string().optional(),
  w: int.optional(),
  h: int.optional(),
});

export const documentArgs = z.object({
  ...common,
  document: z.unknown().optional(),
  file_name: z.string().optional(),
  mime: z.string().optional(),
  size: int.optional(),
});

// What the client said or the file showed, checked by the same rules as the Quanta API's.
export const photoMeta = z.object({ mime: photoMime, w: dimension, h: dimension });
export const documentMeta = z.object({ file_name: fileName, mime });

/** Bytes of a file parameter: an uploaded part, or base64 text (Koto). */
export function fileParam(
  name: string,
  v: unknown,
): { base64: string; bytes: Buffer; file?: UploadedFile } {
  if (isUploadedFile(v)) return { base64: v.data.toString('base64'), bytes: v.data, file: v };
  if (typeof v !== 'string' || v === '') throw appError('missing_field', { field: name });
  if (/^https?:\/\//i.test(v)) throw invalid(name, 'sending by URL is not supported');
  if (isUuid(v)) throw invalid(name, 'sending by file_id is not supported');
  return { base64: v, bytes: Buffer.from(v, 'base64') };
}

/** What a photo and a document message have in common: caption, keyboard, reply. */
function draftOf(a: z.infer<typeof photoArgs> | z.infer<typeof documentArgs>): Draft {
  const buttons = buttonsFrom(a.reply_markup);
  return {
    content: a.caption ?? '',
    ...(buttons?.length && { payload: { buttons } }),
    replyToId: replyTarget(a),
  };
}

export const sendPhoto: Method = async ({ ids, bot, params, services }) => {
  const a = parse(photoArgs, params);
  const draft = draftOf(a);
  const { base64, bytes } = fileParam('photo', a.photo);
  const info = imageInfo(bytes);
  const meta = parse(photoMeta, {
    mime: a.mime ?? info?.mime ?? 'application/octet-stream',
    w: a.w ?? info?.width,
    h: a.h ?? info?.height,
  });
  const sent = await services.messages.sendAsBot(bot, a.chat_id, {
    ...draft,
    media: {
      field: 'photo',
      kind: 'photo',
      base64,
      mime: meta.mime,
      width: meta.w,
      height: meta.h,
    },
  });
  return tgMessage(ids, sent);
};

export const sendDocument: Method = async ({ ids, bot, params, services }) => {
  const a = parse(documentArgs, params);
  const draft = draftOf(a);
  const { base64, bytes, file } = fileParam('document', a.document);
  const meta = parse(documentMeta, {
    file_name: a.file_name ?? file?.filename ?? 'document',
    mime: a.mime ?? file?.mime ?? 'application/octet-stream',
  });
  const sent = await services.messages.sendAsBot(bot, a.chat_id, {
    ...draft,
    media: {
      field: 'document',
      kind: 'document',
      base64,
      mime: meta.mime,
      fileName: meta.file_name,
      declaredSize: a.size ?? bytes.length,
    },
  });
  return tgMessage(ids, sent);
};
