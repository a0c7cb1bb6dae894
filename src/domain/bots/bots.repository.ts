// The hot bot-key lookup and the cache audit's fingerprints (see auth-cache.ts); creating a
// bot under its owner's cap, and deleting one so that its username is free again.
import type { User } from '../../generated/prisma/client';
import type { Sql } from '../../infra/db/prisma';
import { statement, withTransaction } from '../../infra/db/statement';
import type { AvatarImage } from './avatar';
import {
  BOT_COLUMNS,
  USER_COLUMNS,
  botFromRow,
  sameInstant,
  userFromRow,
  type BotColumns,
  type BotRow,
  type UserColumns,
} from '../users/user-rows';

/** Changes with any column of the bot or its user: what the cache audit compares. */
const FINGERPRINT = `md5(row(b.*)::text || row(u.*)::text)`;

const byKeyDigest = statement<
  { digest: string },
  BotColumns & UserColumns & { fingerprint: string }
>(
  'bot-auth',
  `SELECT ${BOT_COLUMNS}, ${USER_COLUMNS}, ${FINGERPRINT} AS fingerprint
  FROM bots b JOIN users u ON u.id = b.user_id WHERE b.api_key_hash = :digest`,
);

const fingerprints = statement<{ ids: string[] }, { id: string; fingerprint: string }>(
  'bot-auth-audit',
  `SELECT b.id, ${FINGERPRINT} AS fingerprint
  FROM bots b JOIN users u ON u.id = b.user_id WHERE b.id = ANY(:ids::uuid[])`,
);

/** A bot to create: its user row, its bot row and, when uploaded, its avatar bytes. */
export interface NewBotRow {
  id: string;
  ownerId: string;
  username: string;
  name: string;
  description: string;
  avatarUrl: string | null;
  avatar: AvatarImage | null;
  commands: unknown;
  permissions: string[];
  apiKeyHash: string;
  /** The init-data key, sealed. */
  webappSecretSealed: Uint8Array;
  /** The bot user's id on the Telegram form (users.tg_id). */
  tgId: bigint;
  /** NaCl box public key (base64). */
  publicKey: string;
  keyCustody: 'managed' | 'self';
  /** A managed bot's box secret key sealed with GATEWAY_KEY; null for self custody. */
  secretKeySealed: Uint8Array | null;
}

// Serialises an owner's registrations (their bot count is read after this, then written):
// NO KEY UPDATE, so rows that merely reference the owner (FOR KEY SHARE) are not held up.
const lockOwner = statement<{ owner_id: string }, { id: string }>(
  'bot-owner-lock',
  `SELECT id FROM users WHERE id = :owner_id::uuid FOR NO KEY UPDATE`,
);

const countOwned = statement<{ owner_id: string }, { n: number }>(
  'bots-owned-count',
  `SELECT count(*)::int AS n FROM bots WHERE owner_id = :owner_id::uuid`,
);

const insert = statement<
  {
    id: string;
    owner_id: string;
    username: string;
    name: string;
    description: string;
    avatar_url: string | null;
    avatar_mime: string | null;
    avatar_size: number | null;
    avatar_sha256: string | null;
    avatar_data: Buffer | null;
    commands: string;
    permissions: string[];
    api_key_hash: string;
    webapp_secret_sealed: Buffer;
    tg_id: string;
    public_key: string;
    key_custody: string;
    secret_key_sealed: Buffer | null;
  },
  BotColumns & UserColumns
>(
  'bot-insert',
  `
WITH u AS (
  INSERT INTO users (id, username, display_name, is_bot, tg_id, public_key, updated_at)
  VALUES (gen_random_uuid(), :username, :name, true, :tg_id::bigint, :public_key, now())
  RETURNING *
), b AS (
  INSERT INTO bots (id, owner_id, user_id, name, description, avatar_url, avatar_sha256,
                    commands, permissions, api_key_hash, key_custody, webapp_secret_sealed, updated_at)
  SELECT :id::uuid, :owner_id::uuid, u.id, :name, :description, :avatar_url,
         :avatar_sha256::char(64), :commands::jsonb, :permissions::text[], :api_key_hash,
         :key_custody, :webapp_secret_sealed::bytea, now()
    FROM u
  RETURNING *
), k AS (
  INSERT INTO bot_secret_keys (bot_id, secret_key_sealed)
  SELECT b.id, :secret_key_sealed::bytea FROM b WHERE :secret_key_sealed::bytea IS NOT NULL
), a AS (
  INSERT INTO bot_avatars (bot_id, mime, size, sha256, data)
  SELECT b.id, :avatar_mime::varchar, :avatar_size::int, :avatar_sha256::char(64),
         :avatar_data::bytea
    FROM b WHERE :avatar_data::bytea IS NOT NULL
)
SELECT ${BOT_COLUMNS}, ${USER_COLUMNS} FROM b JOIN u ON u.id = b.user_id`,
);

// The bot's user row stays (its messages keep their sender), under a name no one can
// choose by accident: the username is free for a new bot at once.
const remove = statement<{ bot_id: string; owner_id: string }, { id: string }>(
  'bot-delete',
  `
WITH b AS (
  DELETE FROM bots WHERE id = :bot_id::uuid AND owner_id = :owner_id::uuid RETURNING user_id
)
UPDATE users u
   SET username = 'deleted_' || substr(replace(u.id::text, '-', ''), 1, 24), updated_at = now()
  FROM b WHERE u.id = b.user_id
RETURNING u.id`,
);

/**
 * The bot with its user, as one object. Not `{ ...bot, user }`: V8 gives each object spread
 * that way a hidden class of its own, ~0.5 KB per cached bot (docs/performance.md).
 */
function withUser(bot: BotRow, user: User): BotRow & { user: User } {
  // Registered together, the bot and its user share their timestamps' Dates; the bot's
  // userId is its user's id, one string instead of two equal ones.
  user.createdAt = sameInstant(user.createdAt, bot.createdAt);
  user.updatedAt = sameInstant(user.updatedAt, bot.updatedAt);
  if (bot.userId === user.id) bot.userId = user.id;
  const withIt = bot as BotRow & { user: User };
  withIt.user = user;
  return withIt;
}

export class BotsRepository {
  constructor(private readonly sql: Sql) {}

  /** The bot (with its user) whose API key hashes to `digest`, and its fingerprint. */
  async byKeyDigest(
    digest: string,
  ): Promise<{ bot: BotRow & { user: User }; fingerprint: string } | undefined> {
    const row = await byKeyDigest.first(this.sql, { digest });
    if (!row) return undefined;
    // The column equals the digest looked up, which the auth cache keeps as its key anyway.
    if (row.b_api_key_hash === digest) row.b_api_key_hash = digest;
    return { bot: withUser(botFromRow(row), userFromRow(row)), fingerprint: row.fingerprint };
  }

  /**
   * Creates the bot unless its owner already has `max` (then undefined), under a lock on the
   * owner's row so that concurrent registrations cannot pass the cap together.
   */
  async create(row: NewBotRow, max: number): Promise<(BotRow & { user: User }) | undefined> {
    return withTransaction(this.sql, async (client) => {
      await lockOwner.run(client, { owner_id: row.ownerId });
      const [owned] = await countOwned.run(client, { owner_id: row.ownerId });
      if ((owned?.n ?? 0) >= max) return undefined;
      const created = await insert.first(client, {
        id: row.id,
        owner_id: row.ownerId,
        username: row.username,
        name: row.name,
        description: row.description,
        avatar_url: row.avatarUrl,
        avatar_mime: row.avatar?.mime ?? null,
        avatar_size: row.avatar?.size ?? null,
        avatar_sha256: row.avatar?.sha256 ?? null,
        avatar_data: row.avatar?.data ?? null,
        commands: JSON.stringify(row.commands),
        permissions: row.permissions,
        api_key_hash: row.apiKeyHash,
        webapp_secret_sealed: Buffer.from(row.webappSecretSealed),
        tg_id: String(row.tgId),
        public_key: row.publicKey,
        key_custody: row.keyCustody,
        secret_key_sealed: row.secretKeySealed && Buffer.from(row.secretKeySealed),
      });
      return created && withUser(botFromRow(created), userFromRow(created));
    });
  }

  /** Deletes the owner's bot and frees its username; false when there is no such bot. */
  async delete(ownerId: string, botId: string): Promise<boolean> {
    return (await remove.run(this.sql, { bot_id: botId, owner_id: ownerId })).length > 0;
  }

  /** Bot id → fingerprint, for those of `ids` that still exist. */
  async fingerprints(ids: string[]): Promise<Map<string, string>> {
    const rows = await fingerprints.run(this.sql, { ids });
    return new Map(rows.map((r) => [r.id, r.fingerprint]));
  }
}
