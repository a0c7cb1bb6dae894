// Keyset pages for lists that can grow long (a person's chats and invitations, an owner's
// bots): ordered by (created_at, id), so the order is total and stable while rows are added,
// and a page costs the same however deep it is. The cursor is opaque to clients.
import { z } from 'zod';
import { invalid } from './errors';
import { isUuid } from './ids';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** `?limit&cursor`; a limit out of range is clamped, as history's is. */
export const pageQuery = z.object({
  limit: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').optional(),
  cursor: z.string().max(100).optional(),
});

export type PageRequest = z.output<typeof pageQuery>;

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the page after this one; null on the last page. */
  nextCursor: string | null;
}

/** Where a page ends: the sort key of its last row. */
interface Position {
  createdAt: Date;
  id: string;
}

export const pageSize = (limit?: number) =>
  Math.min(Math.max(limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);

const encode = (p: Position) =>
  Buffer.from(`${p.createdAt.getTime()}.${p.id}`).toString('base64url');

function decode(cursor: string): Position {
  const [ms, id] = Buffer.from(cursor, 'base64url').toString().split('.');
  const createdAt = new Date(Number(ms));
  if (!/^\d{1,15}$/.test(ms ?? '') || !id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw invalid('cursor', 'must be a cursor from a previous answer');
  }
  return { createdAt, id };
}

/**
 * The Prisma `where` for rows after the cursor in (createdAt, id) order, newest first
 * (`desc`) or oldest first (`asc`); none without a cursor.
 */
export function afterCursor(cursor: string | undefined, order: 'asc' | 'desc') {
  if (cursor === undefined) return {};
  const { createdAt: at, id } = decode(cursor);
  const beyond = order === 'desc' ? { lt: at } : { gt: at };
  const beyondId = order === 'desc' ? { lt: id } : { gt: id };
  return { OR: [{ createdAt: beyond }, { createdAt: at, id: beyondId }] };
}

/** The Prisma `orderBy` that goes with afterCursor. */
export const cursorOrder = (order: 'asc' | 'desc') => [{ createdAt: order }, { id: order }];

/** Rows read with `take: size + 1`: the extra row only says that another page exists. */
export function pageOf<T extends Position>(rows: T[], size: number): Page<T> {
  const items = rows.slice(0, size);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > size && last ? encode(last) : null };
}
