import { hash, randomBytes } from 'node:crypto';

// One secret, three spellings: `bot_<secret>` (Quanta), `kbot_<secret>` (Koto) and
// `<digits>:<secret>` (Telegram, for client libraries that check the token's shape). Only the
// digest of the Quanta spelling is stored, so every spelling is looked up by the same digest.

const SECRET = '[A-Za-z0-9_-]{43}';

/** `bot_` + 32 random bytes, base64url: 256 bits, shown to the owner once. */
export const newApiKey = () => `bot_${randomBytes(32).toString('base64url')}`;

/** Only this digest is stored. One-shot `hash`: a third of createHash's cost, every request. */
export const hashApiKey = (key: string) => hash('sha256', key, 'hex');

/** The key in every spelling a client may use. */
export interface BotTokens {
  apiKey: string;
  kotoToken: string;
  /** `<numeric id>:<secret>`: the digits are the bot's numeric id, checked on use. */
  telegramToken: string;
}

export function tokensFor(numericId: bigint, apiKey: string): BotTokens {
  const secret = apiKey.slice('bot_'.length);
  return { apiKey, kotoToken: `kbot_${secret}`, telegramToken: `${numericId}:${secret}` };
}

const SPELLINGS = new RegExp(`^(?:k?bot_|(\\d{1,19}):)(${SECRET})$`);

/** A token in any spelling → the key it carries and, for the Telegram one, the id it claims. */
export function parseBotToken(token: string): { key: string; numericId?: bigint } | undefined {
  const m = SPELLINGS.exec(token);
  if (!m) return undefined;
  const key = `bot_${m[2]}`;
  return m[1] === undefined ? { key } : { key, numericId: BigInt(m[1]) };
}
