import type { MessageRecord } from '../messages/message';
import type { Update, UpdateBody } from './update';

/** A row of the update log as pg returns it. */
export interface UpdateRow {
  id: string;
  /** int8 arrives from pg as a string. */
  update_id: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

/**
 * The record back from its row; the log holds only what the fan-out wrote from an `UpdateBody`.
 * Dates are revived by name per kind rather than by walking every key (`reviveDates`): a
 * 100-update read spent more on that walk than on its SQL. test/schema/update-row.test.ts
 * checks both agree on records with every date filled in.
 */
export function updateFromRow(row: UpdateRow): Update {
  const body = row.payload as UpdateBody;
  body.kind = row.type as UpdateBody['kind'];
  switch (body.kind) {
    case 'message':
    case 'edited_message':
    case 'callback':
      reviveMessage(body.message);
      break;
    case 'poll_answer':
    case 'message_reaction':
      body.at = new Date(body.at);
      break;
  }
  const u = body as Update;
  u.id = row.id;
  u.updateId = Number(row.update_id);
  u.createdAt = row.created_at;
  return u;
}

function reviveMessage(m: MessageRecord): void {
  m.createdAt = new Date(m.createdAt);
  if (m.editedAt !== null) m.editedAt = new Date(m.editedAt);
  for (const r of m.reactions) r.createdAt = new Date(r.createdAt);
  if (m.replyTo) reviveMessage(m.replyTo);
}
