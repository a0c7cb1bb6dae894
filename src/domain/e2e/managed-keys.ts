// A managed bot's box key pair: made here at registration, the secret half sealed with
// GATEWAY_KEY (not MASTER_KEY), opened only by the bot edge that decrypts for the bot.
import { openSecret, sealSecret } from '../crypto/secret-box';
import { newBoxKeyPair, toBase64 } from '../crypto/e2e-box';

export interface ManagedIdentity {
  /** base64, shown wherever the bot is */
  publicKey: string;
  secretKeySealed: Uint8Array<ArrayBuffer>;
}

export function newManagedIdentity(gatewayKey: Uint8Array): ManagedIdentity {
  const pair = newBoxKeyPair();
  const sealed = sealSecret(gatewayKey, pair.secretKey);
  pair.secretKey.fill(0);
  return { publicKey: toBase64(pair.publicKey), secretKeySealed: new Uint8Array(sealed) };
}

export const openManagedSecret = (gatewayKey: Uint8Array, sealed: Uint8Array): Uint8Array =>
  new Uint8Array(openSecret(gatewayKey, sealed));
