// Batch look-ups by id, for a dialect that renders references in full: the gateway's
// Telegram objects carry a sender's name and a quoted message, where update payloads and
// message views carry only ids. One query per kind per batch, never one per item.
import type { Sql } from '../../infra/db/prisma';
import { isUuid } from '../ids';

export interface UserCard {
  id: string;
  username: string;
  displayName: string;
  isBot: boolean;
}

export interface MessageCard {
  id: string;
  chatId: string;
  chatType: string;
  sender: UserCard;
  content: string;
  payload: Record<string, unknown>;
  replyToId: string | null;
  forwardFrom: string | null;
  createdAt: Date;
  editedAt: Date | null;
}

const USERS_SQL = `
SELECT id, username, display_name, is_bot FROM users WHERE id = ANY($1::uuid[])`;

const MESSAGES_SQL = `
SELECT m.id, m.chat_id, c.type::text AS chat_type, m.content, m.payload, m.reply_to_id,
       m.forward_from, m.created_at, m.edited_at,
       u.id AS sender_id, u.username, u.display_name, u.is_bot
  FROM messages m
  JOIN chats c ON c.id = m.chat_id
  JOIN users u ON u.id = m.sender_id
 WHERE m.id = ANY($1::uuid[]) AND m.deleted_at IS NULL`;

const REACTIONS_SQL = `
SELECT emoji FROM reactions WHERE message_id = $1::uuid AND user_id = $2::uuid
 ORDER BY created_at, emoji`;

const CHATS_SQL = `SELECT id, type::text AS type FROM chats WHERE id = ANY($1::uuid[])`;

/** A chat's type never changes, so it is cached per process (bounded). */
const CHAT_TYPE_CACHE_MAX = 10_000;

const uuids = (ids: Iterable<string | null | undefined>) => [
  ...new Set([...ids].filter((id): id is string => isUuid(id))),
];

type Row = Record<string, unknown>;

const userFrom = (r: Row, id = r.id as string): UserCard => ({
  id,
  username: r.username as string,
  displayName: r.display_name as string,
  isBot: r.is_bot as boolean,
});

export class LookupService {
  private readonly chatTypeCache = new Map<string, string>();

  constructor(private readonly sql: Sql) {}

  async users(ids: Iterable<string | null | undefined>): Promise<Map<string, UserCard>> {
    const wanted = uuids(ids);
    if (wanted.length === 0) return new Map();
    const { rows } = await this.sql.query<Row>(USERS_SQL, [wanted]);
    return new Map(rows.map((r) => [r.id as string, userFrom(r)]));
  }

  /** Messages that still exist (not deleted), with their senders and chat types. */
  async messages(ids: Iterable<string | null | undefined>): Promise<Map<string, MessageCard>> {
    const wanted = uuids(ids);
    if (wanted.length === 0) return new Map();
    const { rows } = await this.sql.query<Row>(MESSAGES_SQL, [wanted]);
    return new Map(
      rows.map((r) => [
        r.id as string,
        {
          id: r.id as string,
          chatId: r.chat_id as string,
          chatType: r.chat_type as string,
          sender: userFrom(r, r.sender_id as string),
          content: r.content as string,
          payload: (r.payload as Record<string, unknown>) ?? {},
          replyToId: r.reply_to_id as string | null,
          forwardFrom: r.forward_from as string | null,
          createdAt: r.created_at as Date,
          editedAt: r.edited_at as Date | null,
        },
      ]),
    );
  }

  /** The emoji one member has put on a message, oldest first. */
  async reactionsBy(messageId: string, userId: string): Promise<string[]> {
    if (!isUuid(messageId) || !isUuid(userId)) return [];
    const { rows } = await this.sql.query<{ emoji: string }>(REACTIONS_SQL, [messageId, userId]);
    return rows.map((r) => r.emoji);
  }

  async chatTypes(ids: Iterable<string | null | undefined>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const id of uuids(ids)) {
      const known = this.chatTypeCache.get(id);
      if (known) out.set(id, known);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const { rows } = await this.sql.query<{ id: string; type: string }>(CHATS_SQL, [missing]);
    for (const r of rows) {
      out.set(r.id, r.type);
      if (this.chatTypeCache.size >= CHAT_TYPE_CACHE_MAX) {
        this.chatTypeCache.delete(this.chatTypeCache.keys().next().value!);
      }
      this.chatTypeCache.set(r.id, r.type);
    }
    return out;
  }
}
