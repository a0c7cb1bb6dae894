import { z } from 'zod';
import { payload } from './payload';

export const MAX_CONTENT = 4096;

const content = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`);

export const userMessageBody = z.object({
  content,
  payload: payload.optional(),
  reply_to_message_id: z.uuid('must be a UUID').optional(),
});

export const botMessageBody = z.object({
  chat_id: z.string().max(64),
  content,
  payload: payload.optional(),
  reply_to_message_id: z.uuid('must be a UUID').optional(),
});

export const listQuery = z.object({
  limit: z.coerce.number().int('must be an integer').optional(),
  before: z.uuid('must be a message id').optional(),
});
