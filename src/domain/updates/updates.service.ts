// The per-bot update log as bots read it: consume-once batches (no offset) or Telegram-style
// offset acknowledgement, both over a long-poll.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { longWait } from '../../realtime/long-wait';
import { conflict } from '../errors';
import { parse } from '../validation';
import { botChannel } from '../messages/fanout';

export interface UpdateRow {
  id: string;
  update_id: bigint;
  type: string;
  payload: unknown;
  created_at: Date;
}

export interface PollOptions {
  timeoutS: number;
  limit: number;
  /** Absent: hand the batch out once. Present: acknowledge below it, consume nothing. */
  offset?: number;
  /** Types to return (gateway allowed_updates); others are skipped and acknowledged. */
  types?: string[];
}

const int = (name: string) =>
  z.coerce.number({ error: `${name} must be an integer` }).int(`${name} must be an integer`);

export const pollQuery = z.object({
  timeout: int('timeout').optional(),
  limit: int('limit').optional(),
  offset: int('offset').optional(),
});

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

export function pollOptions(query: unknown, defaultTimeout: number): PollOptions {
  const q = parse(pollQuery, query);
  return {
    timeoutS: clamp(q.timeout ?? defaultTimeout, 0, 50),
    limit: clamp(q.limit ?? 100, 1, 100),
    ...(q.offset !== undefined && { offset: Math.max(q.offset, 0) }),
  };
}

// Lock the inbox row so concurrent consumers serialise: each update is handed out once.
const CONSUME_SQL = `
WITH cur AS (
  SELECT acked_update_id AS acked FROM bot_inboxes WHERE bot_id = $1::uuid FOR UPDATE
), batch AS (
  SELECT u.id, u.update_id, u.type, u.payload, u.created_at
    FROM updates u, cur
   WHERE u.bot_id = $1::uuid AND u.update_id > cur.acked
   ORDER BY u.update_id LIMIT $2
), adv AS (
  UPDATE bot_inboxes SET acked_update_id = (SELECT max(update_id) FROM batch)
   WHERE bot_id = $1::uuid AND EXISTS (SELECT 1 FROM batch)
)
SELECT * FROM batch ORDER BY update_id`;

// Acknowledge everything below the offset (never past what exists), then read after it.
const ACK_SQL = `
UPDATE bot_inboxes SET acked_update_id = LEAST($2::bigint - 1, last_update_id)
 WHERE bot_id = $1::uuid AND acked_update_id < LEAST($2::bigint - 1, last_update_id)`;

const READ_SQL = `
SELECT u.id, u.update_id, u.type, u.payload, u.created_at
  FROM updates u JOIN bot_inboxes i ON i.bot_id = u.bot_id
 WHERE u.bot_id = $1::uuid AND u.update_id > GREATEST(i.acked_update_id, $2::bigint - 1)
 ORDER BY u.update_id LIMIT $3`;

// A consumed batch whose client vanished before the answer: hand it out again.
const UNCONSUME_SQL = `
UPDATE bot_inboxes SET acked_update_id = $2::bigint - 1
 WHERE bot_id = $1::uuid AND acked_update_id = $3::bigint`;

export class UpdatesService {
  constructor(
    private readonly db: Db,
    private readonly bus: WakeupBus,
  ) {}

  async read(botId: string, o: PollOptions): Promise<UpdateRow[]> {
    if (o.offset === undefined) {
      return this.db.$queryRawUnsafe<UpdateRow[]>(CONSUME_SQL, botId, o.limit);
    }
    if (o.offset > 0) await this.db.$executeRawUnsafe(ACK_SQL, botId, o.offset);
    return this.db.$queryRawUnsafe<UpdateRow[]>(READ_SQL, botId, o.offset, o.limit);
  }

  /** Long-poll: at once when updates wait, else park until a wakeup, the timeout or abort. */
  async poll(botId: string, o: PollOptions, signal: AbortSignal): Promise<UpdateRow[]> {
    const batch = await longWait({
      bus: this.bus,
      channel: botChannel(botId),
      read: () => this.read(botId, o),
      timeoutMs: o.timeoutS * 1000,
      signal,
      exclusiveId: randomUUID(),
      onTakenOver: () => conflict('terminated by another long poll for this bot'),
    });
    if (signal.aborted && batch.length > 0 && o.offset === undefined) {
      await this.unconsume(botId, batch);
      return [];
    }
    return batch;
  }

  private async unconsume(botId: string, batch: UpdateRow[]): Promise<void> {
    const first = batch[0]!.update_id;
    const last = batch[batch.length - 1]!.update_id;
    await this.db.$executeRawUnsafe(UNCONSUME_SQL, botId, first, last);
  }

  /** Updates not yet consumed or acknowledged (webhook info, metrics). */
  async pendingCount(botId: string): Promise<number> {
    const rows = await this.db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT (last_update_id - acked_update_id)::int AS n FROM bot_inboxes WHERE bot_id = $1::uuid`,
      botId,
    );
    return rows[0]?.n ?? 0;
  }
}

/** The Quanta dialect's update object (the same JSON a webhook POST carries). */
export function toQuantaUpdate(u: UpdateRow) {
  return {
    id: u.id,
    update_id: Number(u.update_id),
    type: u.type,
    payload: u.payload,
    created_at: u.created_at.toISOString(),
  };
}
