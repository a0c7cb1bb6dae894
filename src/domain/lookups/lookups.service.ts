// Batch look-ups by id, for a dialect that renders references in full: the gateway's
// Telegram objects carry a sender's name and a quoted message, where update payloads and
// message views carry only ids. One query per kind per batch, never one per item.
import type { Sql } from '../../infra/db/prisma';
import { isUuid } from '../ids';
import { DirectoryRepository, type UserCardRow } from './lookups.repository';

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

/** A chat's type never changes, so it is cached per process (bounded). */
const CHAT_TYPE_CACHE_MAX = 10_000;

const uuids = (ids: Iterable<string | null | undefined>) => [
  ...new Set([...ids].filter((id): id is string => isUuid(id))),
];

const userFrom = (r: Omit<UserCardRow, 'id'>, id: string): UserCard => ({
  id,
  username: r.username,
  displayName: r.display_name,
  isBot: r.is_bot,
});

export class LookupService {
  private readonly chatTypeCache = new Map<string, string>();
  private readonly repo: DirectoryRepository;

  constructor(sql: Sql) {
    this.repo = new DirectoryRepository(sql);
  }

  async users(ids: Iterable<string | null | undefined>): Promise<Map<string, UserCard>> {
    const wanted = uuids(ids);
    if (wanted.length === 0) return new Map();
    const rows = await this.repo.users(wanted);
    return new Map(rows.map((r) => [r.id, userFrom(r, r.id)]));
  }

  /** Messages that still exist (not deleted), with their senders and chat types. */
  async messages(ids: Iterable<string | null | undefined>): Promise<Map<string, MessageCard>> {
    const wanted = uuids(ids);
    if (wanted.length === 0) return new Map();
    const rows = await this.repo.messages(wanted);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          chatId: r.chat_id,
          chatType: r.chat_type,
          sender: userFrom(r, r.sender_id),
          content: r.content,
          payload: r.payload ?? {},
          replyToId: r.reply_to_id,
          forwardFrom: r.forward_from,
          createdAt: r.created_at,
          editedAt: r.edited_at,
        },
      ]),
    );
  }

  /** The emoji one member has put on a message, oldest first. */
  async reactionsBy(messageId: string, userId: string): Promise<string[]> {
    if (!isUuid(messageId) || !isUuid(userId)) return [];
    return this.repo.reactionsBy(messageId, userId);
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
    for (const r of await this.repo.chatTypes(missing)) {
      out.set(r.id, r.type);
      if (this.chatTypeCache.size >= CHAT_TYPE_CACHE_MAX) {
        this.chatTypeCache.delete(this.chatTypeCache.keys().next().value!);
      }
      this.chatTypeCache.set(r.id, r.type);
    }
    return out;
  }
}
