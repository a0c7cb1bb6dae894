import { z } from 'zod';
import { settled, type WaitSink } from '../../../realtime/long-wait';
import { updateFromRow, type UpdateRow } from '../../../domain/updates/update-row';
import { pollOptions } from '../../../domain/updates/updates.service';
import { parse } from '../../../domain/validation';
import { tgUpdate, UPDATE_KINDS } from '../shapes';
import type { Method, MethodContext } from './types';
import { int } from './args';

/**
 * The default hold: 25 s as the Koto reference documents it; 0 for calls addressed the
 * Telegram way, as Telegram documents it, since libraries rely on that (grammY's stop()
 * confirms its offset with a getUpdates that sets no timeout and waits for the answer).
 */
const DEFAULT_TIMEOUT_S = { koto: 25, telegram: 0 };

export const getUpdatesArgs = z.object({
  offset: int.optional(),
  limit: int.optional(),
  timeout: int.optional(),
  allowed_updates: z.array(z.string()).optional(),
});

/**
 * Telegram semantics: `offset` acknowledges every update below it (absent: 0, nothing is
 * consumed), limit is clamped to 1–100 and timeout to 0–50 s. allowed_updates filters per
 * call (it is not remembered between calls); an empty or absent list means every type.
 */
export function parkUpdates(c: MethodContext, sink: WaitSink<UpdateRow>): void {
  const a = parse(getUpdatesArgs, c.params);
  const opts = pollOptions(
    { offset: a.offset ?? 0, limit: a.limit, timeout: a.timeout },
    DEFAULT_TIMEOUT_S[c.style],
  );
  opts.types = logKinds(a.allowed_updates);
  c.services.updates.park(c.bot, opts, c.signal, sink);
}

/** The rows a getUpdates call got, as Telegram updates. */
export async function tgUpdates({ bot, ids, services }: MethodContext, rows: UpdateRow[]) {
  // A managed bot reads its boxes opened: on the fly, here, never stored.
  const updates = await services.boxes.reveal(bot, rows.map(updateFromRow));
  return updates.map((u) => tgUpdate(ids, u));
}

/** parkUpdates and tgUpdates as one call (the router parks getUpdates itself, detached). */
export const getUpdates: Method = (c) =>
  settled<UpdateRow[]>((sink) => parkUpdates(c, sink)).then((rows) => tgUpdates(c, rows));

/** Telegram update names → update-log kinds; names this platform never produces drop out. */
function logKinds(allowed: string[] | undefined): string[] {
  return knownKinds(allowed?.length ? allowed : Object.keys(UPDATE_KINDS));
}

/** The update-log kinds of these Telegram names; unknown names drop out. */
export const knownKinds = (names: string[]): string[] =>
  names.flatMap((n) => (Object.hasOwn(UPDATE_KINDS, n) ? [UPDATE_KINDS[n]!] : []));
