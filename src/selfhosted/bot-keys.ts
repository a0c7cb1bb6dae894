// BOT_KEYS_FILE: the self-custody bots this gateway serves and their box secret keys, as
// {"bots": [{"bot_id": "<the digits before ':' in the bot's token>", "secret_key": base64}]}.
// Read once at start; the keys stay in this process's memory and are never logged.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import nacl from 'tweetnacl';
import { decodeBase64 } from '../domain/crypto/e2e-box';

const keysFile = z.strictObject({
  bots: z
    .array(z.strictObject({ bot_id: z.string().regex(/^\d{1,19}$/), secret_key: z.string() }))
    .min(1),
});

export interface BotKeys {
  /** bot id (token digits) → 32-byte box secret key */
  secretOf(botId: string): Uint8Array | undefined;
}

export function readBotKeys(path: string): BotKeys {
  const parsed = keysFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path}: expected {"bots": [{"bot_id", "secret_key"}]}`);
  }
  const keys = new Map<string, Uint8Array>();
  for (const b of parsed.data.bots) {
    const secret = decodeBase64(b.secret_key);
    if (secret?.length !== nacl.box.secretKeyLength) {
      throw new Error(`${path}: bot ${b.bot_id}: secret_key must be 32 bytes, standard base64`);
    }
    keys.set(b.bot_id, secret);
  }
  return { secretOf: (id) => keys.get(id) };
}
