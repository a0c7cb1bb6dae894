// The hot bot-key lookup and the cache audit's fingerprints (see auth-cache.ts).
import type { Bot, User } from '../../generated/prisma/client';
import type { Sql } from '../../infra/db/prisma';
import { statement } from '../../infra/db/statement';
import {
  BOT_COLUMNS,
  USER_COLUMNS,
  botFromRow,
  userFromRow,
  type BotColumns,
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

export class BotsRepository {
  constructor(private readonly sql: Sql) {}

  /** The bot (with its user) whose API key hashes to `digest`, and its fingerprint. */
  async byKeyDigest(
    digest: string,
  ): Promise<{ bot: Bot & { user: User }; fingerprint: string } | undefined> {
    const row = await byKeyDigest.first(this.sql, { digest });
    if (!row) return undefined;
    return { bot: { ...botFromRow(row), user: userFromRow(row) }, fingerprint: row.fingerprint };
  }

  /** Bot id → fingerprint, for those of `ids` that still exist. */
  async fingerprints(ids: string[]): Promise<Map<string, string>> {
    const rows = await fingerprints.run(this.sql, { ids });
    return new Map(rows.map((r) => [r.id, r.fingerprint]));
  }
}
