/** Postgres/Prisma error classification, kept in one place. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === 'P2002' || e?.code === '23505' || e?.cause?.code === '23505';
}
