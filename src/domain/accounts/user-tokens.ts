// Messenger JWTs: issued here, verified here, logged out here.
//
// Logout puts the token's id on a denylist in Redis until the token would have expired anyway,
// and announces it on the bus. Verification is cached per process, keyed by the whole token,
// so a request with a token seen before costs no HMAC and no I/O; a cached "not logged out" is
// trusted only while no announcement can have been missed (the BotAuthCache invariant) and for
// at most `recheckMs`, the bound on staleness should an announcement be lost outright.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../infra/logger';
import type { Redis } from '../../infra/redis';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { appError } from '../errors';
import { signUserToken, verifyUserToken, type JwtSettings, type UserTokenClaims } from './jwt';

/** Carries the id of a token just logged out; every api process listens. */
export const TOKENS_REVOKED = 'tokens:revoked';

const denylistKey = (tokenId: string) => `revoked-token:${tokenId}`;

/** Beyond this, the oldest entries go first (a token re-verifies on its next request). */
const CACHE_MAX = 10_000;

/** Longest a request waits for Redis to say whether its token was logged out. */
const REDIS_DEADLINE_MS = 250;

interface Entry {
  claims: UserTokenClaims;
  /** Logged out: final, whatever happens to the bus. */
  revoked: boolean;
  /** When Redis last said it was not logged out, and the bus generation then. */
  checkedAt: number;
  generation: number;
}

const invalid = () => appError('invalid_user_token');

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work,
      sleep(ms, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`no answer from Redis within ${ms} ms`);
      }),
    ]);
  } finally {
    timer.abort();
  }
}

export class UserTokens {
  private readonly byToken = new Map<string, Entry>();
  private readonly tokenById = new Map<string, string>();
  /** Bumped by every announcement: a check that spans one cannot be cached. */
  private announcements = 0;
  /** Whether the last denylist check could not reach Redis (logged once per outage). */
  private unchecked = false;

  constructor(
    private readonly jwt: JwtSettings,
    private readonly redis: Redis,
    private readonly bus: WakeupBus,
    private readonly log: Logger,
    private readonly recheckMs: number,
  ) {
    // At once, not on the first request: entries are trusted only once Redis confirmed it.
    void bus.listen(TOKENS_REVOKED, (msg) => this.onAnnouncement(msg));
  }

  issue(userId: string, version: number): string {
    return signUserToken(this.jwt, userId, version);
  }

  /**
   * The claims of a valid token that was not logged out; otherwise `invalid_user_token`.
   * Whether the user still exists and still has the token's version is the caller's check.
   *
   * Should Redis not answer, a token that is otherwise valid is accepted (and not cached):
   * logout itself needs Redis and answers 503 meanwhile, so only a token logged out through
   * a process that still reached Redis while this one could not gets through, until it can.
   */
  async verify(token: string): Promise<UserTokenClaims> {
    const now = Date.now();
    const hit = this.byToken.get(token);
    if (hit && hit.claims.expiresAt * 1000 <= now) {
      this.evict(token);
      throw invalid();
    }
    if (hit?.revoked) throw invalid();
    if (hit && this.current(hit, now)) return hit.claims;

    const claims = hit?.claims ?? verifyUserToken(this.jwt, token);
    const before = {
      announcements: this.announcements,
      generation: this.bus.generation,
      trusted: this.bus.watching(TOKENS_REVOKED),
    };
    const revoked = await this.isDenied(claims.tokenId);
    if (revoked === undefined) return claims;
    const missedNothing =
      before.trusted &&
      before.announcements === this.announcements &&
      before.generation === this.bus.generation;
    if (revoked || missedNothing) {
      this.put(token, { claims, revoked, checkedAt: now, generation: before.generation });
    }
    if (revoked) throw invalid();
    return claims;
  }

  /** Log one token out, in every process; the token must have verified. */
  async revoke(token: string, claims: UserTokenClaims): Promise<void> {
    const ttl = claims.expiresAt - Math.floor(Date.now() / 1000);
    if (ttl <= 0) return;
    try {
      await withDeadline(
        this.redis.set(denylistKey(claims.tokenId), '1', 'EX', ttl),
        REDIS_DEADLINE_MS * 4,
      );
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'logout not recorded: Redis unavailable');
      throw appError('unavailable');
    }
    this.put(token, { claims, revoked: true, checkedAt: Date.now(), generation: 0 });
    await this.bus.announce([[TOKENS_REVOKED, claims.tokenId]]);
  }

  /** Cached tokens (for tests). */
  get size(): number {
    return this.byToken.size;
  }

  private current(e: Entry, now: number): boolean {
    return (
      e.generation === this.bus.generation &&
      this.bus.watching(TOKENS_REVOKED) &&
      now - e.checkedAt < this.recheckMs
    );
  }

  /** true: logged out; false: not; undefined: Redis could not say in time. */
  private async isDenied(tokenId: string): Promise<boolean | undefined> {
    try {
      if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
      const found = await withDeadline(this.redis.exists(denylistKey(tokenId)), REDIS_DEADLINE_MS);
      this.unchecked = false;
      return found === 1;
    } catch (err) {
      if (!this.unchecked) {
        this.log.warn(
          { err: (err as Error).message },
          'token logout list unreachable: accepting valid tokens unchecked until Redis answers',
        );
      }
      this.unchecked = true;
      return undefined;
    }
  }

  private onAnnouncement(msg: string): void {
    this.announcements++;
    // `reconnected`: the bus resubscribed after a drop; entries of the old generation are
    // already untrusted, and will re-check.
    if (msg === 'reconnected') return;
    const token = this.tokenById.get(msg);
    const e = token === undefined ? undefined : this.byToken.get(token);
    if (e) e.revoked = true;
  }

  private put(token: string, e: Entry): void {
    if (!this.byToken.has(token) && this.byToken.size >= CACHE_MAX) {
      this.evict(this.byToken.keys().next().value!);
    }
    this.byToken.set(token, e);
    this.tokenById.set(e.claims.tokenId, token);
  }

  private evict(token: string): void {
    const e = this.byToken.get(token);
    if (!e) return;
    this.byToken.delete(token);
    if (this.tokenById.get(e.claims.tokenId) === token) this.tokenById.delete(e.claims.tokenId);
  }
}
