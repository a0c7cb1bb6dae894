// The per-request account lookup behind every messenger JWT (hot: raw pg, not Prisma).
import type { User } from '../../generated/prisma/client';
import type { Sql } from '../../infra/db/prisma';
import { statement } from '../../infra/db/statement';
import { USER_COLUMNS, userFromRow, type UserColumns } from '../users/user-rows';

const byId = statement<{ id: string }, UserColumns>(
  'user-auth',
  `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = :id::uuid`,
);

export class AccountsRepository {
  constructor(private readonly sql: Sql) {}

  async userById(id: string): Promise<User | undefined> {
    const row = await byId.first(this.sql, { id });
    return row && userFromRow(row);
  }
}
