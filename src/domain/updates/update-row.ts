import { reviveDates } from '../stored-json';
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

/** The record back from its row; the log holds only what the fan-out wrote from an `UpdateBody`. */
export function updateFromRow(row: UpdateRow): Update {
  const body = reviveDates<Omit<UpdateBody, 'kind'>>(row.payload);
  return {
    ...body,
    kind: row.type,
    id: row.id,
    updateId: Number(row.update_id),
    createdAt: row.created_at,
  } as Update;
}
