// What a bot is told, by kind. Stored in the update log as JSON (`type` = kind, `payload` =
// the rest) and shaped per dialect at the bot's edge (Quanta JSON, Telegram Update).
import type { ChatType, MessageRecord, Person } from '../messages/message';

/** A leading `/command` addressed to this bot (or to no bot in particular). */
export interface BotCommand {
  name: string;
  args: string | null;
}

/**
 * A new or edited message. A mini app's sendData is one too (Telegram sends it as a message):
 * the person's message whose payload carries `web_app_data` (webAppDataOf), told only to the
 * bot whose app it was; each dialect shapes it its own way.
 */
export interface MessageUpdate {
  kind: 'message' | 'edited_message';
  message: MessageRecord;
  /** Parsed for the receiving bot: `/start@otherbot` is plain text for this one. */
  command: BotCommand | null;
  /** The media bytes, base64, when small enough to ride along (see INLINE_MEDIA_MAX_BYTES). */
  inlineMedia: string | null;
}

export interface CallbackUpdate {
  kind: 'callback';
  callbackId: string;
  from: Person;
  data: string;
  message: MessageRecord;
}

export interface PollAnswerUpdate {
  kind: 'poll_answer';
  pollId: string;
  chatId: string;
  chatType: ChatType;
  chatTgId: number;
  chatName: string;
  messageId: string;
  /** The message's number within its chat. */
  messageNumber: number;
  voter: Person;
  optionIds: number[];
  at: Date;
}

export interface ReactionUpdate {
  kind: 'message_reaction';
  chatId: string;
  chatType: ChatType;
  chatTgId: number;
  chatName: string;
  messageId: string;
  /** The message's number within its chat. */
  messageNumber: number;
  actor: Person;
  old: string[];
  new: string[];
  at: Date;
}

export type UpdateBody = MessageUpdate | CallbackUpdate | PollAnswerUpdate | ReactionUpdate;
export type UpdateKind = UpdateBody['kind'];

/** An update as read back from a bot's log. */
export type Update = UpdateBody & {
  /** UUID, stable across deliveries (webhook-id). */
  id: string;
  /** Increasing per bot; what offsets count. */
  updateId: number;
  createdAt: Date;
};
