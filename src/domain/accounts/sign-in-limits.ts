// Abuse limits on sign-in and sign-up, counted in Redis so they hold across processes.
//
// Login follows rate-limiter-flexible's login-protection pattern: wrong passwords are counted
// per client address per day, and consecutively per username and address; past a few
// consecutive failures each further try must wait twice as long as the one before. Keying the
// back-off by username *and* address keeps an attacker from locking the owner out. A plain
// per-minute cap on attempts per address comes first: spraying a new username each try evades
// the back-off, and each try costs a hash, in every process the spray reaches.
//
// Every attempt is counted *before* its password is hashed (and the count handed back if it
// turns out right, or never ran): counting only after the hash would let a burst of parallel
// requests all pass the check before the first failure is recorded.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from '../../infra/redis';
import { isRefusal, retryAfterSeconds, sharedLimiter } from '../../infra/shared-limiter';
import { appError } from '../errors';

export interface SignInLimitSettings {
  /** Login attempts per address per minute, right or wrong (0: no limit). */
  attemptsPerIpPerMinute: number;
  /** Wrong passwords per address per day (0: no limit). */
  failuresPerIpPerDay: number;
  /** Consecutive wrong passwords per username and address before back-off (0: none). */
  failuresBeforeBackoff: number;
  /** Registrations per address per hour (0: no limit). */
  registrationsPerIpPerHour: number;
}

const MINUTE_S = 60;
const DAY_S = 86_400;
const HOUR_S = 3_600;
/** The first back-off wait, doubled with each further consecutive failure, up to the cap. */
const BACKOFF_BASE_S = 1;
const BACKOFF_MAX_S = HOUR_S;
/** Consecutive failures are forgotten a day after the first (or at the next success). */
const CONSECUTIVE_WINDOW_S = DAY_S;
/** Effectively unbounded: the consecutive counter never refuses by itself. */
const UNBOUNDED = 1_000_000_000;

/** Seconds to wait after the n-th failure beyond the free ones (n ≥ 1). */
export function backoffSeconds(beyondFree: number): number {
  return Math.min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** Math.min(beyondFree - 1, 30));
}

/** How a counted login attempt ended. */
export type AttemptOutcome = 'succeeded' | 'failed' | 'not_checked';

export interface LoginAttempt {
  /** Report the outcome: a success clears the consecutive count, `not_checked` refunds. */
  end(outcome: AttemptOutcome): Promise<void>;
}

/** A limiter's refusal as the 429 it answers; any other failure as it was. */
const refused = (err: unknown): unknown =>
  isRefusal(err) ? appError('rate_limited', { retryAfter: retryAfterSeconds(err) }) : err;

async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    throw refused(err);
  }
}

const NO_ATTEMPT: LoginAttempt = { end: async () => {} };

export class SignInLimits {
  private readonly attemptsByIp;
  private readonly failuresByIp;
  private readonly consecutive;
  /** One token per back-off window: the first try after the wait takes it, the rest wait. */
  private readonly pace;
  private readonly registrations;

  constructor(
    redis: Redis,
    private readonly s: SignInLimitSettings,
  ) {
    this.attemptsByIp = sharedLimiter(redis, {
      keyPrefix: 'signin:try-ip-minute',
      points: s.attemptsPerIpPerMinute,
      duration: MINUTE_S,
    });
    this.failuresByIp = sharedLimiter(redis, {
      keyPrefix: 'signin:fail-ip-day',
      points: s.failuresPerIpPerDay,
      duration: DAY_S,
    });
    this.consecutive = sharedLimiter(redis, {
      keyPrefix: 'signin:fail-user-ip',
      points: UNBOUNDED,
      duration: CONSECUTIVE_WINDOW_S,
    });
    this.pace = sharedLimiter(redis, {
      keyPrefix: 'signin:pace-user-ip',
      points: 1,
      duration: BACKOFF_BASE_S,
    });
    this.registrations = sharedLimiter(redis, {
      keyPrefix: 'signup:ip-hour',
      points: s.registrationsPerIpPerHour,
      duration: HOUR_S,
    });
  }

  /**
   * Count a login attempt before its password is checked; throws 429 (with retryAfter) when
   * the address or the username-and-address pair must wait.
   */
  async beginLogin(client: string, username: string): Promise<LoginAttempt> {
    if (this.s.attemptsPerIpPerMinute > 0) {
      await consume(this.attemptsByIp, client);
    }
    const byIp = this.s.failuresPerIpPerDay > 0;
    const byUser = this.s.failuresBeforeBackoff > 0;
    if (!byIp && !byUser) return NO_ATTEMPT;
    const pair = JSON.stringify([client, username]);
    /** The wait this attempt starts should it fail (0: none). */
    let wait = 0;

    if (byIp) await consume(this.failuresByIp, client);
    if (byUser) {
      try {
        const { consumedPoints: nth } = await this.consecutive.consume(pair);
        const beyondFree = nth - this.s.failuresBeforeBackoff + 1;
        // The attempt that reaches the free count starts the first wait; each later one
        // must come after the previous wait and starts a wait twice as long.
        if (beyondFree >= 1) {
          wait = backoffSeconds(beyondFree);
          await this.pace.consume(pair, 1, { customDuration: wait });
        }
      } catch (err) {
        // Refused attempts are not attempts: they cost nothing and count for nothing.
        await Promise.all([
          this.consecutive.reward(pair),
          byIp ? this.failuresByIp.reward(client) : undefined,
        ]);
        throw refused(err);
      }
    }

    return {
      end: async (outcome) => {
        // Counted again from the answer: a slow hash (a busy machine) must not use up the
        // wait the person is told about.
        if (outcome === 'failed' && wait > 0) await this.pace.block(pair, wait);
        if (outcome === 'failed') return;
        const refunds: Promise<unknown>[] = [];
        if (byIp) refunds.push(this.failuresByIp.reward(client));
        if (byUser && outcome === 'succeeded') {
          refunds.push(this.consecutive.delete(pair), this.pace.delete(pair));
        } else if (byUser) {
          refunds.push(this.consecutive.reward(pair));
        }
        await Promise.all(refunds);
      },
    };
  }

  /**
   * Count a registration; throws 429 (with retryAfter) past the address's hourly share.
   * Every registration counts, refused or not (taken names are how usernames are probed),
   * except one that never ran: `refund` hands its count back.
   */
  async beginRegistration(client: string): Promise<{ refund(): Promise<void> }> {
    if (this.s.registrationsPerIpPerHour === 0) return { refund: async () => {} };
    await consume(this.registrations, client);
    return {
      refund: async () => {
        await this.registrations.reward(client);
      },
    };
  }
}
