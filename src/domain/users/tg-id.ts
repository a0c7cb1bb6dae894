import { randomBytes } from 'node:crypto';

// The integer id Telegram-shaped calls see for a user or bot (and, negated, a group): drawn
// at random so ids say nothing about how many there are or who came next, at least 10
// digits (libraries check the token's digits), and below 2^53 so JavaScript reads it exactly.
const MIN = 1_000_000_000;

/** 53 random bits, redrawn in the rare case they fall below MIN. */
export function newTgId(): bigint {
  for (;;) {
    const b = randomBytes(7);
    const n = (b.readUIntBE(0, 3) % 2 ** 21) * 2 ** 32 + b.readUInt32BE(3);
    if (n >= MIN) return BigInt(n);
  }
}
