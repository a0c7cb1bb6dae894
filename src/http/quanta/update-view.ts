// The Quanta API's update object (the same JSON a webhook POST carries): `type` and a
// payload per kind, message payloads as the Quanta reference describes them.
import type { MediaMeta } from '../../domain/media/media-meta';
import type { ChatType, MessagePayload } from '../../domain/messages/message';
import type { PollRecord } from '../../domain/polls/poll';
import type { BotCommand, Update } from '../../domain/updates/update';
import {
  storedBodyOf,
  updateFromStored,
  type StoredBody,
  type UpdateRow,
} from '../../domain/updates/update-row';
import type { BotWithUser } from '../../domain/bots/bots.service';
import type { BotBoxes } from '../../domain/e2e/bot-boxes.service';
import { storedCarriesBox } from '../../domain/e2e/reader-boxes';
import {
  botMediaUrl,
  toMediaView,
  toMessengerMessage,
  toPollView,
} from '../messenger/message-view';

export interface QuantaUpdate {
  id: string;
  update_id: number;
  type: Update['kind'];
  payload: Record<string, unknown>;
  created_at: string;
}

export function toQuantaUpdate(u: Update): QuantaUpdate {
  return {
    id: u.id,
    update_id: u.updateId,
    type: u.kind,
    payload: payloadOf(u),
    created_at: u.createdAt.toISOString(),
  };
}

/**
 * A poll's answer. A message update's payload is made straight from the stored record (its
 * dates are ISO strings there already): no `Date`s and no domain record on the hot read. A
 * managed bot's boxes are opened on the fly, from records, when the batch holds any.
 */
export async function quantaUpdates(
  boxes: BotBoxes,
  bot: BotWithUser,
  rows: UpdateRow[],
): Promise<QuantaUpdate[]> {
  const stored = rows.map(storedBodyOf);
  if (bot.keyCustody === 'managed' && stored.some(storedCarriesBox)) {
    const records = rows.map((row, i) => updateFromStored(row, stored[i]!));
    return (await boxes.reveal(bot, records)).map(toQuantaUpdate);
  }
  return rows.map((row, i) => quantaUpdateFromStored(row, stored[i]!));
}

/** toQuantaUpdate(updateFromRow(row)): test/schema/update-row.test.ts checks both agree. */
export const quantaUpdateFromRow = (row: UpdateRow): QuantaUpdate =>
  quantaUpdateFromStored(row, storedBodyOf(row));

function quantaUpdateFromStored(row: UpdateRow, s: StoredBody): QuantaUpdate {
  if (row.type !== 'message' && row.type !== 'edited_message') {
    return toQuantaUpdate(updateFromStored(row, s));
  }
  return {
    id: row.id,
    update_id: Number(row.update_id),
    type: row.type,
    payload: messagePayload(s.message!, storedIso, s.command, s.inlineMedia),
    created_at: row.created_at,
  };
}

function payloadOf(u: Update): Record<string, unknown> {
  switch (u.kind) {
    case 'message':
    case 'edited_message': {
      return messagePayload(u.message, dateIso, u.command, u.inlineMedia);
    }
    case 'callback':
      return {
        callback_id: u.callbackId,
        chat_id: u.message.chatId,
        chat_type: u.message.chatType,
        message_id: u.message.id,
        user_id: u.from.id,
        username: u.from.username,
        data: u.data,
        message: toMessengerMessage(u.message),
      };
    case 'poll_answer':
      return {
        poll_id: u.pollId,
        message_id: u.messageId,
        chat_id: u.chatId,
        chat_type: u.chatType,
        user_id: u.voter.id,
        username: u.voter.username,
        option_ids: u.optionIds,
        created_at: u.at.toISOString(),
      };
    case 'message_reaction':
      return {
        chat_id: u.chatId,
        message_id: u.messageId,
        user_id: u.actor.id,
        username: u.actor.username,
        old_reaction: u.old,
        new_reaction: u.new,
        chat_type: u.chatType,
        created_at: u.at.toISOString(),
      };
  }
}

/**
 * What a message update's payload reads: a `MessageRecord` (dates as `Date`s) or the stored
 * form (ISO strings) both fit; `iso` turns either date into the wire's string.
 */
interface Quotable<D> {
  id: string;
  chatId: string;
  chatType: ChatType;
  sender: { id: string; username: string };
  content: string;
  payload?: MessagePayload;
  replyToId?: string | null;
  replyTo?: Quotable<D> | null;
  forwardFrom?: string | null;
  createdAt: D;
  editedAt?: D | null;
  media?: MediaMeta | null;
  poll?: PollRecord | null;
}

const dateIso = (d: Date) => d.toISOString();
const storedIso = (d: string) => d;

function messagePayload<D>(
  m: Quotable<D>,
  iso: (d: D) => string,
  command: BotCommand | null | undefined,
  inlineMedia: string | null | undefined,
): Record<string, unknown> {
  const p = quotedPayload(m, iso, inlineMedia);
  p.is_command = command != null;
  p.command = command?.name ?? null;
  p.command_args = command?.args ?? null;
  if (m.replyToId) p.reply_to_message_id = m.replyToId;
  if (m.replyTo) p.reply_to_message = quotedPayload(m.replyTo, iso);
  return p;
}

/**
 * A message inside a bot payload, also as `reply_to_message`: no command parsing and no
 * nested quote. `content` is the caption of a photo or document.
 */
function quotedPayload<D>(
  m: Quotable<D>,
  iso: (d: D) => string,
  inlineMedia?: string | null,
): Record<string, unknown> {
  // Assigned one by one, not spread from conditional literals: this runs 100 times per read.
  const p: Record<string, unknown> = {
    message_id: m.id,
    chat_id: m.chatId,
    chat_type: m.chatType,
    user_id: m.sender.id,
    username: m.sender.username,
    content: m.content,
  };
  for (const _ in m.payload) {
    p.payload = m.payload;
    break;
  }
  if (m.media) p.media = toMediaView(m.media, botMediaUrl(m.media.id), inlineMedia);
  if (m.poll) p.poll = toPollView(m.poll);
  if (m.forwardFrom) p.forward_from = m.forwardFrom;
  p.created_at = iso(m.createdAt);
  if (m.editedAt) p.edited_at = iso(m.editedAt);
  return p;
}
