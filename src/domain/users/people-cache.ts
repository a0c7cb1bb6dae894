// People's rows (what authenticates a JWT), cached in process so a request costs no Postgres
// round trip for its account. Every change to a person's row publishes the person's id on
// USERS_CHANGED before it is answered; every api process drops the row at once.
import type { User } from '../../generated/prisma/client';
import { cache } from '../../infra/metrics';
import { BusCache } from '../../realtime/bus-cache';
import type { WakeupBus } from '../../realtime/wakeup-bus';

/** Carries the id of a person whose users row changed; every api process listens. */
export const USERS_CHANGED = 'users:changed';

/** A cached person: its strings (two bytes a character) and the fixed fields. */
export function userBytes(u: User): number {
  const text =
    u.id.length +
    u.username.length +
    u.displayName.length +
    (u.passwordHash?.length ?? 0) +
    (u.publicKey?.length ?? 0);
  return text * 2 + 200;
}

export const PEOPLE_LIMITS = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024 };

export function peopleCache(bus: WakeupBus, ttlMs: number): BusCache<User> {
  return new BusCache<User>(bus, [USERS_CHANGED], { ...PEOPLE_LIMITS, ttlMs }, cache.userAuth);
}
