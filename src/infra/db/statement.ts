// Hand-written SQL for the hot paths: named prepared statements (planned once per
// connection) with named parameters and typed rows. Prisma stays for ordinary access.
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';

/** The pool, or one client holding a transaction: every statement runs on either. */
export interface Queryable {
  query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

export interface Statement<P, R> {
  readonly name: string;
  /** The SQL as sent, with `$n` in place of each `:name`. */
  readonly text: string;
  run(db: Queryable, params: P): Promise<R[]>;
  first(db: Queryable, params: P): Promise<R | undefined>;
}

// A quoted literal (left as it is) or a `:name` that is not half of a `::type` cast.
const PLACEHOLDER = /'(?:[^']|'')*'|(?<![:\w]):([A-Za-z_]\w*)/g;

/** `:name` → `$n` (one position per distinct name, in order of first use). */
export function compileNamed(sql: string): { text: string; names: string[] } {
  const names: string[] = [];
  const text = sql.replace(PLACEHOLDER, (match, name: string | undefined) => {
    if (name === undefined) return match;
    const at = names.indexOf(name);
    if (at >= 0) return `$${at + 1}`;
    names.push(name);
    return `$${names.length}`;
  });
  return { text, names };
}

// Prepared statements are cached per connection by name: one name, one text, for good.
const taken = new Set<string>();

/**
 * `statement<Params, Row>('name', 'SELECT … WHERE id = :id::uuid')`: the names are mapped to
 * positions once, here; a call only builds the values array. A parameter left undefined is
 * a bug (a typo, a forgotten field), not a NULL: it throws.
 */
export function statement<P extends object, R extends QueryResultRow = Record<string, never>>(
  name: string,
  sql: string,
): Statement<P, R> {
  if (taken.has(name)) throw new Error(`statement name "${name}" is used twice`);
  taken.add(name);
  const { text, names } = compileNamed(sql);
  const values = (params: P): unknown[] =>
    names.map((n) => {
      const v = (params as Record<string, unknown>)[n];
      if (v === undefined) throw new Error(`statement "${name}": parameter :${n} is undefined`);
      return v;
    });
  const run = async (db: Queryable, params: P): Promise<R[]> =>
    (await db.query<R>({ name, text, values: values(params) })).rows;
  return { name, text, run, first: async (db, params) => (await run(db, params))[0] };
}

/**
 * A failure after which the connection's state is known: Postgres answered it (its errors
 * carry a `severity`), or the caller refused on its own terms (a domain error's `reason`).
 * Anything else — pg's query_timeout, a dropped socket — may leave an answer still owed.
 */
const connectionIntact = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  (typeof (err as { severity?: unknown }).severity === 'string' ||
    typeof (err as { reason?: unknown }).reason === 'string');

/**
 * BEGIN, `fn` on one client, COMMIT; ROLLBACK when `fn` throws. What must happen only once
 * the writes are durable (wakeups) runs after this returns.
 */
export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // No answer came: a ROLLBACK would queue behind the one still owed (another full
    // timeout). Closing the connection rolls the transaction back as well.
    if (!connectionIntact(err)) {
      broken = err as Error;
      throw err;
    }
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      // A connection that cannot roll back must not go back to the pool mid-transaction.
      broken = rollbackErr as Error;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
