// sendPhoto / sendDocument: a file part from a library's multipart upload, or the Koto
// reference's base64 string with its mime/size fields. Either becomes the media domain's
// base64 input; what Telegram clients leave out (type, pixel size, name) is read off the file.
import { z } from 'zod';
import { appError, invalid } from '../../../domain/errors';
import { isUuid } from '../../../domain/ids';
import { parse } from '../../../domain/validation';
import { imageInfo } from '../image-info';
import { buttonsFrom } from '../markup';
import { isUploadedFile, type UploadedFile } from '../params';
import { shapeMessage } from './messages';
import type { Method } from './types';
import { id, int, text } from './args';

const common = {
  chat_id: id.optional(),
  caption: text.optional(),
  reply_markup: z.unknown().optional(),
  reply_to_message_id: id.optional(),
  reply_parameters: z.object({ message_id: id }).optional(),
};

const photoArgs = z.object({
  ...common,
  photo: z.unknown().optional(),
  mime: z.string().optional(),
  w: int.optional(),
  h: int.optional(),
});

const documentArgs = z.object({
  ...common,
  document: z.unknown().optional(),
  file_name: z.string().optional(),
  mime: z.string().optional(),
  size: int.optional(),
});

/** Bytes of a file parameter: an uploaded part, or base64 text (Koto). */
function fileOf(name: string, v: unknown): { base64: string; bytes: Buffer; file?: UploadedFile } {
  if (isUploadedFile(v)) return { base64: v.data.toString('base64'), bytes: v.data, file: v };
  if (typeof v !== 'string' || v === '') throw appError('missing_field', { field: name });
  if (/^https?:\/\//i.test(v)) throw invalid(name, 'sending by URL is not supported');
  if (isUuid(v)) throw invalid(name, 'sending by file_id is not supported');
  return { base64: v, bytes: Buffer.from(v, 'base64') };
}

function extras(a: { chat_id?: string; caption?: string; reply_markup?: unknown } & Reply) {
  if (a.chat_id === undefined || a.chat_id === '')
    throw appError('missing_field', { field: 'chat_id' });
  const buttons = buttonsFrom(a.reply_markup);
  const replyTo = a.reply_parameters?.message_id ?? a.reply_to_message_id;
  return {
    chat_id: a.chat_id,
    ...(a.caption && { caption: a.caption }),
    ...(buttons?.length && { payload: { buttons } }),
    ...(replyTo !== undefined && { reply_to_message_id: replyTo }),
  };
}

type Reply = { reply_to_message_id?: string; reply_parameters?: { message_id: string } };

export const sendPhoto: Method = async ({ bot, params, services }) => {
  const a = parse(photoArgs, params);
  const base = extras(a);
  const { base64, bytes } = fileOf('photo', a.photo);
  const info = imageInfo(bytes);
  const sent = await services.messages.sendPhoto(bot, {
    ...base,
    photo: base64,
    mime: a.mime ?? info?.mime ?? 'application/octet-stream',
    w: a.w ?? info?.width,
    h: a.h ?? info?.height,
  });
  return shapeMessage(services, bot, sent);
};

export const sendDocument: Method = async ({ bot, params, services }) => {
  const a = parse(documentArgs, params);
  const base = extras(a);
  const { base64, bytes, file } = fileOf('document', a.document);
  const sent = await services.messages.sendDocument(bot, {
    ...base,
    document: base64,
    file_name: a.file_name ?? file?.filename ?? 'document',
    mime: a.mime ?? file?.mime ?? 'application/octet-stream',
    size: a.size ?? bytes.length,
  });
  return shapeMessage(services, bot, sent);
};
