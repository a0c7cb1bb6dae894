/** Postgres/Prisma error classification, kept in one place. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === 'P2002' || e?.code === '23505' || e?.cause?.code === '23505';
}

/**
 * The SQLSTATE of a Postgres error, whether it reached us raw (pg's DatabaseError, which has
 * `severity` beside `code`) or wrapped by Prisma's driver adapter (whose own `code` is P20xx).
 */
export function sqlState(err: unknown): string | undefined {
  const e = err as {
    code?: unknown;
    severity?: unknown;
    cause?: { originalCode?: unknown };
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  } | null;
  const code =
    e?.meta?.driverAdapterError?.cause?.originalCode ??
    e?.cause?.originalCode ??
    (e?.severity !== undefined ? e?.code : undefined);
  return typeof code === 'string' ? code : undefined;
}
