// Per-process bounds on what the edge holds for its clients: request bodies read into memory,
// and parked long polls (each an open socket). Beyond a bound the answer is immediate — 503 or
// 429 with Retry-After — instead of memory or the file table running out.
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config';
import { appError } from '../domain/errors';

export type EdgeLimitsConfig = Pick<
  Config,
  'LARGE_BODY_BYTES' | 'LARGE_BODY_CONCURRENCY' | 'LONG_POLL_MAX_PARKED' | 'FEED_POLLS_PER_USER'
>;

/** Seconds a refused client is asked to wait: a slot frees as soon as one request ends. */
const BUSY_RETRY_S = 1;
/** A user's own polls end by their timeout (at most 50 s); a few seconds spreads retries. */
const FEED_RETRY_S = 5;

/** Declared larger than `bytes`, or of unknown length (chunked): read only with a slot. */
export function isLargeBody(req: IncomingMessage, bytes: number): boolean {
  const declared = req.headers['content-length'];
  if (declared !== undefined) return Number(declared) > bytes;
  return req.headers['transfer-encoding'] !== undefined;
}

/** Where a parked poll's slot goes back: set on its response, read by `releasePoll`. */
const POLL_SLOT = Symbol('pollSlot');
type Slotted = Response & { [POLL_SLOT]?: { limits: EdgeLimits; userId: string | undefined } };

/** The one 'close' listener of every admitted poll (`this`): no closure or once-wrapper each. */
function releasePoll(this: Slotted): void {
  const slot = this[POLL_SLOT];
  if (!slot) return;
  this[POLL_SLOT] = undefined;
  slot.limits.release(slot.userId);
}

export class EdgeLimits {
  private largeBodies = 0;
  private parked = 0;
  private readonly feedPolls = new Map<string, number>();

  constructor(private readonly c: EdgeLimitsConfig) {}

  /** Bodies being read or held, and polls open, right now (tests, metrics). */
  get inUse(): { largeBodies: number; parkedPolls: number } {
    return { largeBodies: this.largeBodies, parkedPolls: this.parked };
  }

  /**
   * Before a body is read: a large one takes a slot until its response closes (the parsed
   * body lives that long), or is refused with 503 unread.
   */
  admitBody(req: IncomingMessage, res: Response): void {
    if (!isLargeBody(req, this.c.LARGE_BODY_BYTES)) return;
    if (this.largeBodies >= this.c.LARGE_BODY_CONCURRENCY) {
      throw appError('unavailable', { retryAfter: BUSY_RETRY_S });
    }
    this.largeBodies++;
    res.once('close', () => this.largeBodies--);
  }

  /**
   * Before a long poll parks: one slot of the process-wide cap (503 beyond it, and the
   * connection closed so its descriptor is freed) and, for a user's feed, one of the user's
   * (429 beyond it). Both are held until the response closes.
   */
  admitPoll(res: Response, userId?: string): void {
    const mine = userId === undefined ? 0 : (this.feedPolls.get(userId) ?? 0);
    if (userId !== undefined && mine >= this.c.FEED_POLLS_PER_USER) {
      throw appError('rate_limited', { retryAfter: FEED_RETRY_S });
    }
    if (this.parked >= this.c.LONG_POLL_MAX_PARKED) {
      res.set('Connection', 'close');
      throw appError('unavailable', { retryAfter: BUSY_RETRY_S });
    }
    this.parked++;
    if (userId !== undefined) this.feedPolls.set(userId, mine + 1);
    (res as Slotted)[POLL_SLOT] = { limits: this, userId };
    res.on('close', releasePoll);
  }

  /** An admitted poll's response closed: its slots are free (called by `releasePoll`). */
  release(userId: string | undefined): void {
    this.parked--;
    if (userId === undefined) return;
    const left = (this.feedPolls.get(userId) ?? 1) - 1;
    if (left > 0) this.feedPolls.set(userId, left);
    else this.feedPolls.delete(userId);
  }

  /** A route's poll gate, after its auth step; unauthenticated requests pass to their 401. */
  pollGate(who: (req: Request) => { authenticated: boolean; userId?: string }): RequestHandler {
    return (req, res, next) => {
      const w = who(req);
      if (w.authenticated) this.admitPoll(res, w.userId);
      next();
    };
  }
}
