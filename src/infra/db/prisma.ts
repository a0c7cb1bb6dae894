import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from '../../generated/prisma/client';
import type { Logger } from '../logger';

export type Db = PrismaClient;
export type Sql = Pool;

/**
 * One pg pool, shared: Prisma (through its pg adapter) for ordinary data access, and the
 * pool directly for the few hot-path statements (auth, fan-out, update reads), where
 * Prisma's per-query overhead would dominate (docs/performance.md).
 */
export function createDatabase(
  databaseUrl: string,
  poolSize: number,
  log: Logger,
  timeouts: { statementMs: number; queryMs: number } = { statementMs: 0, queryMs: 0 },
): { db: Db; sql: Sql } {
  const sql = new Pool({
    connectionString: databaseUrl,
    max: poolSize,
    // Fail fast when Postgres is away instead of queueing requests until they hang.
    connectionTimeoutMillis: 3000,
    // Postgres cancels a runaway statement itself; the client deadline covers a Postgres (or
    // network) that stops answering without closing the connection (0 leaves either off).
    ...(timeouts.statementMs > 0 && { statement_timeout: timeouts.statementMs }),
    ...(timeouts.queryMs > 0 && { query_timeout: timeouts.queryMs }),
  });
  // An idle client's connection dropping (Postgres restart) must not crash the process; the
  // pool replaces the client on the next checkout.
  sql.on('error', (err) => log.warn({ err: err.message }, 'idle database connection dropped'));
  const db = new PrismaClient({ adapter: new PrismaPg(sql) });
  return { db, sql };
}
