// A bot's wakeup that carries the update it announces, so a poll parked right behind it can
// answer without reading the log again (docs/performance.md, "Wakeups that carry their update").
// Form: `update` DETAIL id DETAIL update_id DETAIL type DETAIL created_at DETAIL payload, the
// time as the row holds it (ISO 8601).
// The payload is JSON.stringify output, which escapes every control character: DETAIL never
// occurs inside it.
import { DETAIL } from '../../realtime/wakeup-bus';
import type { UpdateRow } from './update-row';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Longer records go as a plain `update` wakeup: the poll reads them from the log. */
export const MAX_CARRIED_CHARS = 8 * 1024;

/** The wakeup text announcing `row` (unstamped), or plain `update` when it is too long. */
export function carryingWakeup(row: UpdateRow): string {
  if (row.payload.length > MAX_CARRIED_CHARS) return 'update';
  return ['update', row.id, row.update_id, row.type, row.created_at, row.payload].join(DETAIL);
}

/** The log row a wakeup carries (its stamp, if any, ignored); undefined for any other message. */
export function carriedRow(message: string): UpdateRow | undefined {
  if (!message.startsWith(`update${DETAIL}`)) return undefined;
  // The stamp (`@ms`) follows the payload, which ends with `}`: an `@` inside it is no stamp.
  const end = message.lastIndexOf('@');
  const body = end >= 0 && /^\d+$/.test(message.slice(end + 1)) ? message.slice(0, end) : message;
  const parts = body.split(DETAIL);
  if (parts.length !== 6) return undefined;
  const [, id, updateId, type, at, payload] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!ISO.test(at) || !/^\d+$/.test(updateId) || !payload.startsWith('{')) return undefined;
  return { id, update_id: updateId, type, payload, created_at: at };
}
