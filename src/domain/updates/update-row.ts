// The update log's record as stored (`updates.payload`, JSON) and read back. Stored lean: a
// field that is empty, or that repeats the sender's, is left out and filled in on reading;
// records written whole (before this form) read the same. docs/performance.md has the why.
import type { MediaMeta } from '../media/media-meta';
import type { ChatType, MessagePayload, MessageRecord, Person } from '../messages/message';
import type { PollRecord } from '../polls/poll';
import type { BotCommand, Update, UpdateBody } from './update';

/** A row of the update log as pg returns it. */
export interface UpdateRow {
  id: string;
  /** int8 arrives from pg as a string. */
  update_id: string;
  type: string;
  /** The record's JSON text (`payload::text`): parsed when the batch is read, not per row. */
  payload: string;
  /** ISO 8601 in UTC with milliseconds, as toISOString writes it (SQL: isoUtc). */
  created_at: string;
}

/** A person as stored: `publicKey` only when there is one (absent reads back as undefined). */
export type StoredPerson = Omit<Person, 'publicKey'> & { publicKey?: string | null };

/**
 * A message as stored. Absent means: `chatTgId`/`chatName` the sender's (a private chat with
 * the person who wrote), `payload` {}, `reactions` [], the rest null. Dates are ISO strings.
 */
export interface StoredMessage {
  id: string;
  number: number;
  chatId: string;
  chatType: ChatType;
  chatTgId?: number;
  chatName?: string;
  sender: StoredPerson;
  content: string;
  payload?: MessagePayload;
  replyToId?: string | null;
  replyTo?: StoredMessage | null;
  forwardFrom?: string | null;
  createdAt: string;
  editedAt?: string | null;
  media?: MediaMeta | null;
  poll?: PollRecord | null;
  reactions?: { userId: string; emoji: string; createdAt: string }[];
}

/** An update as stored (its kind is the row's `type`); the message kinds lean, others whole. */
export type StoredBody = Record<string, unknown> & {
  message?: StoredMessage;
  command?: BotCommand | null;
  inlineMedia?: string | null;
  from?: StoredPerson;
  at?: string;
};

// ---- writing -------------------------------------------------------------------------------

/** The JSON stored for `body` (its kind goes to the row's `type`). */
export function storedUpdate(body: UpdateBody): string {
  switch (body.kind) {
    case 'message':
    case 'edited_message': {
      const s: Record<string, unknown> = { message: storedMessage(body.message) };
      if (body.command !== null) s.command = body.command;
      if (body.inlineMedia !== null) s.inlineMedia = body.inlineMedia;
      return JSON.stringify(s);
    }
    case 'callback':
      return JSON.stringify({
        callbackId: body.callbackId,
        from: storedPerson(body.from),
        data: body.data,
        message: storedMessage(body.message),
      });
    default: {
      const { kind: _kind, ...rest } = body;
      return JSON.stringify(rest);
    }
  }
}

function storedPerson(p: Person): StoredPerson {
  const s: StoredPerson = {
    id: p.id,
    username: p.username,
    displayName: p.displayName,
    isBot: p.isBot,
    tgId: p.tgId,
  };
  if (p.publicKey) s.publicKey = p.publicKey;
  return s;
}

function storedMessage(m: MessageRecord): Record<string, unknown> {
  // `number` stays even when 0: the fan-out statement writes the allocated one in its place.
  const s: Record<string, unknown> = {
    id: m.id,
    number: m.number,
    chatId: m.chatId,
    chatType: m.chatType,
  };
  if (m.chatTgId !== m.sender.tgId) s.chatTgId = m.chatTgId;
  if (m.chatName !== m.sender.displayName) s.chatName = m.chatName;
  s.sender = storedPerson(m.sender);
  s.content = m.content;
  for (const _ in m.payload) {
    s.payload = m.payload;
    break;
  }
  if (m.replyToId !== null) s.replyToId = m.replyToId;
  if (m.replyTo) s.replyTo = storedMessage(m.replyTo);
  if (m.forwardFrom !== null) s.forwardFrom = m.forwardFrom;
  s.createdAt = m.createdAt;
  if (m.editedAt !== null) s.editedAt = m.editedAt;
  if (m.media !== null) s.media = m.media;
  if (m.poll !== null) s.poll = m.poll;
  if (m.reactions.length > 0) s.reactions = m.reactions;
  return s;
}

// ---- reading -------------------------------------------------------------------------------

/**
 * The record back from its row. Message records are built afresh with every field (one
 * object shape for the views that read them); dates are revived by name per kind rather
 * than by walking every key (`reviveDates`): test/schema/update-row.test.ts checks both agree.
 */
export function updateFromRow(row: UpdateRow): Update {
  return updateFromStored(row, storedBodyOf(row));
}

/** The row's record as stored (lean or whole): for a reader that needs no `Date`s. */
export const storedBodyOf = (row: UpdateRow): StoredBody => JSON.parse(row.payload) as StoredBody;

/** updateFromRow, for a row whose payload the caller has parsed already (storedBodyOf). */
export function updateFromStored(row: UpdateRow, s: StoredBody): Update {
  const kind = row.type as UpdateBody['kind'];
  let body: UpdateBody;
  switch (kind) {
    case 'message':
    case 'edited_message':
      body = {
        kind,
        message: messageFrom(s.message!),
        command: s.command ?? null,
        inlineMedia: s.inlineMedia ?? null,
      };
      break;
    case 'callback':
      body = {
        kind,
        callbackId: s.callbackId as string,
        from: personFrom(s.from!),
        data: s.data as string,
        message: messageFrom(s.message!),
      };
      break;
    case 'poll_answer':
    case 'message_reaction':
      body = s as unknown as UpdateBody;
      body.kind = kind;
      (body as { at: Date }).at = new Date(s.at!);
      break;
  }
  const u = body as Update;
  u.id = row.id;
  u.updateId = Number(row.update_id);
  u.createdAt = new Date(row.created_at);
  return u;
}

const personFrom = (p: StoredPerson): Person => ({
  id: p.id,
  username: p.username,
  displayName: p.displayName,
  isBot: p.isBot,
  tgId: p.tgId,
  publicKey: p.publicKey,
});

function messageFrom(s: StoredMessage): MessageRecord {
  const sender = personFrom(s.sender);
  return {
    id: s.id,
    number: s.number,
    chatId: s.chatId,
    chatType: s.chatType,
    chatTgId: s.chatTgId ?? sender.tgId,
    chatName: s.chatName ?? sender.displayName,
    sender,
    content: s.content,
    payload: s.payload ?? {},
    replyToId: s.replyToId ?? null,
    // Absent or null both mean no quote here: the views ask only whether there is one.
    replyTo: s.replyTo ? messageFrom(s.replyTo) : undefined,
    forwardFrom: s.forwardFrom ?? null,
    createdAt: new Date(s.createdAt),
    editedAt: s.editedAt ? new Date(s.editedAt) : null,
    media: s.media ?? null,
    poll: s.poll ?? null,
    reactions: s.reactions ? s.reactions.map(reactionFrom) : [],
  };
}

const reactionFrom = (r: { userId: string; emoji: string; createdAt: string }) => ({
  userId: r.userId,
  emoji: r.emoji,
  createdAt: new Date(r.createdAt),
});
