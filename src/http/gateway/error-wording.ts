// Telegram's descriptions for each reason. Bots and libraries match on them (grammY and
// telegraf branch on 401/409/429), and Telegram reports a missing chat, message or query as
// 400, keeping 404 for an unknown method. Some depend on what the method was doing.
import type { AppError, Reason } from '../../domain/errors';
import { quantaSentences } from '../error-sentences';

export interface TelegramWording {
  status: number;
  text: string;
}

type Word = (e: AppError, method: string) => TelegramWording | string;

const QUERY_INVALID = 'query is too old and response timeout expired or query ID is invalid';

/** What a method does to the message it names: "message to edit not found". */
const MESSAGE_USE: Record<string, string> = {
  editmessagetext: 'edit',
  editmessagereplymarkup: 'edit',
  deletemessage: 'delete',
  pinchatmessage: 'pin',
  setmessagereaction: 'react',
  forwardmessage: 'forward',
  copymessage: 'copy',
};

/** Telegram's words for a required parameter left out. */
const MISSING: Record<string, string> = {
  chat_id: 'chat_id is empty',
  text: 'message text is empty',
  message_id: 'message identifier is not specified',
  callback_query_id: 'callback_query_id is empty',
};

/**
 * A file the bot may not see is, to it, no file at all (Telegram's file ids are per bot):
 * getFile's words, or a download's 404 (files.ts notes its requests as method `file`).
 */
const noFile: Word = (e, method) => {
  if (method === 'getfile')
    return { status: 400, text: 'wrong file_id or the file is temporarily unavailable' };
  if (method === 'file') return { status: 404, text: 'file not found' };
  return e.reason === 'not_a_member'
    ? 'bot is not a member of the chat'
    : quantaSentences[e.reason](e);
};

const OVERRIDES: Partial<Record<Reason, Word>> = {
  media_not_found: noFile,
  missing_field: (e) =>
    MISSING[e.field ?? ''] ??
    (e.field === 'photo' || e.field === 'document'
      ? `there is no ${e.field} in the request`
      : `${e.field} is required`),
  text_too_long: (e) => (e.field === 'text' ? 'message is too long' : `${e.field}: ${e.detail}`),
  method_not_found: () => ({ status: 404, text: 'method not found' }),
  poll_superseded: () =>
    'terminated by other getUpdates request; make sure that only one bot instance is running',
  webhook_active: () =>
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  not_a_member: noFile,
  callback_not_found: () => QUERY_INVALID,
  callback_answered: () => ({ status: 400, text: QUERY_INVALID }),
  not_own_message: (e) => ({
    status: 400,
    text: `message can't be ${e.detail === 'delete' ? 'deleted' : 'edited'}`,
  }),
  not_a_group: (e, method) =>
    method === 'leavechat'
      ? "chat member status can't be changed in private chats"
      : quantaSentences.not_a_group(e),
  message_not_editable: () => "message can't be edited",
  reply_target_not_found: () => 'message to be replied not found',
  message_not_found: (_e, method) => {
    const use = MESSAGE_USE[method];
    return use ? `message to ${use} not found` : 'message not found';
  },
  rate_limited: (e) => `retry after ${e.retryAfter ?? 1}`,
  too_many_groups: (e) => `retry after ${e.retryAfter ?? 1}`,
};

/** Telegram's status: its own 400 for what names nothing, our status otherwise. */
function statusOf(e: AppError): number {
  return e.status === 404 ? 400 : e.status;
}

export function telegramWording(e: AppError, method: string): TelegramWording {
  const worded = OVERRIDES[e.reason]?.(e, method.toLowerCase());
  if (typeof worded === 'object') return worded;
  return { status: statusOf(e), text: worded ?? quantaSentences[e.reason](e) };
}
