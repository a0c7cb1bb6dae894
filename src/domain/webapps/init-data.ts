// Mini-app init data, signed exactly as Telegram signs it, so existing validators accept it:
//   data-check-string = every key=value but `hash`, sorted, joined by "\n"
//   secret = HMAC-SHA256(key "WebAppData", the bot's Telegram-shaped token)
//   hash   = hex HMAC-SHA256(key secret, data-check-string)
// and Telegram's scheme for third parties, under the platform's Ed25519 key:
//   signature = base64url Ed25519 over "<bot numeric id>:WebAppData\n" + the sorted pairs
//               without `hash` and `signature` (the hash covers the signature).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Ed25519Signer } from '../webhooks/signature';

/** The HMAC key init data is signed with: derived from the token, not the token. */
export const webAppSecret = (telegramToken: string): Buffer =>
  createHmac('sha256', 'WebAppData').update(telegramToken).digest();

const sortedPairs = (fields: Map<string, string>, without: string[]) =>
  [...fields]
    .filter(([k]) => !without.includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .sort();

const hmacHex = (secret: Uint8Array, fields: Map<string, string>) =>
  createHmac('sha256', secret)
    .update(sortedPairs(fields, ['hash']).join('\n'))
    .digest('hex');

/** What the third-party `signature` covers. */
export const thirdPartyCheckString = (botNumericId: bigint | number, fields: Map<string, string>) =>
  `${botNumericId}:WebAppData\n${sortedPairs(fields, ['hash', 'signature']).join('\n')}`;

export interface InitDataInput {
  fields: Record<string, string>;
  secret: Uint8Array;
  botNumericId: bigint;
  signer: Ed25519Signer;
}

/** The signed query string: the fields, `signature`, then `hash`. */
export function signInitData({ fields, secret, botNumericId, signer }: InitDataInput): string {
  const all = new Map(Object.entries(fields));
  const content = Buffer.from(thirdPartyCheckString(botNumericId, all));
  all.set('signature', Buffer.from(signer.sign(content)).toString('base64url'));
  all.set('hash', hmacHex(secret, all));
  return new URLSearchParams([...all]).toString();
}

/** The fields of init data whose hash is right under `secret`, or undefined. */
export function checkInitData(query: string, secret: Uint8Array): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(query)) {
    if (fields.has(k)) return undefined;
    fields.set(k, v);
  }
  const hash = fields.get('hash');
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  const expected = Buffer.from(hmacHex(secret, fields), 'hex');
  return timingSafeEqual(expected, Buffer.from(hash, 'hex')) ? fields : undefined;
}
