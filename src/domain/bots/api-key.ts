import { createHash, randomBytes } from 'node:crypto';

/** `bot_` + 32 random bytes, base64url: 256 bits, shown to the owner once. */
export const newApiKey = () => `bot_${randomBytes(32).toString('base64url')}`;

/** Only this digest is stored. */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const looksLikeApiKey = (key: string) => /^bot_[A-Za-z0-9_-]{43}$/.test(key);

/**
 * The key in the Telegram token shape, `<numeric id>:<key without "bot_">`, for client
 * libraries that insist on it. Same secret, so it is looked up by the same digest.
 */
export const telegramToken = (numericId: bigint, key: string) => `${numericId}:${key.slice(4)}`;

/** A token in either form → the key it carries and, for the Telegram form, the id it claims. */
export function parseBotToken(token: string): { key: string; numericId?: bigint } | undefined {
  if (looksLikeApiKey(token)) return { key: token };
  const m = /^(\d{1,18}):([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { key: `bot_${m[2]}`, numericId: BigInt(m[1]!) } : undefined;
}
