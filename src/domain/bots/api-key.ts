import { createHash, randomBytes } from 'node:crypto';

/** `bot_` + 32 random bytes, base64url: 256 bits, shown to the owner once. */
export const newApiKey = () => `bot_${randomBytes(32).toString('base64url')}`;

/** Only this digest is stored. */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const looksLikeApiKey = (key: string) => /^bot_[A-Za-z0-9_-]{43}$/.test(key);
