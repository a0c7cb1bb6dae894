import { z } from 'zod';
import {
  base64,
  dimension,
  fileName,
  mime,
  photoMime,
  userMediaInput,
} from '../media/media.schemas';
import { nameField } from '../names';
import { buttons, MAX_KEY_BOXES_BYTES, payload, userPayload } from './payload';

export const MAX_CONTENT = 4096;

export const content = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`);

/** A photo's or document's caption; empty means none. */
export const caption = z.string().max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`);

/** Ids in bodies: any string; one that is not a UUID names nothing and is a 404 later. */
const id = z.string().max(64);
const replyTo = z.uuid('must be a UUID').optional();

export const userMessageBody = z.strictObject({
  /** Required, except with `media`, where it is the optional caption. */
  content: content.optional(),
  payload: userPayload.optional(),
  reply_to_message_id: replyTo,
  media: userMediaInput.optional(),
});

export const botMessageBody = z.strictObject({
  chat_id: id,
  content,
  payload: payload.optional(),
  reply_to_message_id: replyTo,
});

export const sendPhotoBody = z.strictObject({
  chat_id: id,
  photo: base64,
  mime: photoMime,
  w: dimension,
  h: dimension,
  caption: caption.optional(),
  payload: payload.optional(),
  reply_to_message_id: replyTo,
});

export const sendDocumentBody = z.strictObject({
  chat_id: id,
  document: base64,
  file_name: fileName,
  mime,
  size: z.number().int('must be an integer').min(1, 'must be at least 1'),
  caption: caption.optional(),
  payload: payload.optional(),
  reply_to_message_id: replyTo,
});

/** The "forwarded from" label: a name as readers see it. */
export const forwardLabel = nameField(128);

export const forwardBody = z.strictObject({
  chat_id: id,
  content,
  /** The "forwarded from" label; the forwarding bot's name when absent. */
  from: forwardLabel.optional(),
  payload: payload.optional(),
});

export const messageRef = z.strictObject({ chat_id: id, message_id: id });

/** An encrypted message is replaced by a new box with its own nonce (in a group, new keys). */
const newEnvelope = z.strictObject({
  nonce: z.string().max(64),
  keys: z
    .record(z.string(), z.unknown())
    .refine(
      (k) => Buffer.byteLength(JSON.stringify(k)) <= MAX_KEY_BOXES_BYTES,
      'must be at most 64 KiB',
    )
    .optional(),
});

/** A self-custody bot edits its box with a new one, as a person's client does. */
export const botEditBody = messageRef.extend({ content, payload: newEnvelope.optional() });

export const userEditBody = z.strictObject({ content, payload: newEnvelope.optional() });

/** `buttons: []` (or null) removes the keyboard. */
export const replyMarkupBody = messageRef.extend({ buttons: buttons.nullable() });

export const listQuery = z.object({
  limit: z.coerce.number().int('must be an integer').optional(),
  before: z.uuid('must be a message id').optional(),
});

export const tapBody = z.strictObject({
  callback_data: z.string().min(1, 'must not be empty').max(256),
});

export const answerCallbackBody = z.strictObject({
  callback_id: z.string().max(64),
  text: z.string().max(200, 'must be at most 200 characters').optional(),
  show_alert: z.boolean().optional(),
  chat_id: z.string().max(64).optional(),
  message_content: content.optional(),
});

/** Telegram's optional message_id: unpin only if that message is the pinned one. */
export const unpinBody = z.strictObject({ chat_id: id, message_id: id.optional() });
