// The per-request account lookup behind every messenger JWT (hot: raw pg, not Prisma), and
// the version bump that retires every JWT of an account.
import type { User } from '../../generated/prisma/client';
import type { Sql } from '../../infra/db/prisma';
import { statement } from '../../infra/db/statement';
import { USER_COLUMNS, userFromRow, type UserColumns } from '../users/user-rows';

const byId = statement<{ id: string }, UserColumns>(
  'user-auth',
  `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = :id::uuid`,
);

const bumpVersion = statement<{ id: string }, { token_version: number }>(
  'user-bump-token-version',
  `UPDATE users SET token_version = token_version + 1, updated_at = now()
    WHERE id = :id::uuid RETURNING token_version`,
);

export class AccountsRepository {
  constructor(private readonly sql: Sql) {}

  async userById(id: string): Promise<User | undefined> {
    const row = await byId.first(this.sql, { id });
    return row && userFromRow(row);
  }

  /** "Sign out everywhere": every token issued under an older version stops working. */
  async bumpTokenVersion(id: string): Promise<number | undefined> {
    return (await bumpVersion.first(this.sql, { id }))?.token_version;
  }
}
