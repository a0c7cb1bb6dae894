/**
 * Signing side of webhook delivery, per the Standard Webhooks spec: `v1` is HMAC-SHA256
 * under the endpoint's secret, `v1a` is Ed25519 under the platform's signing key. Both cover
 * `${webhook-id}.${webhook-timestamp}.${body}`; the content format is defined once, in
 * verify.ts, which receivers copy.
 */
import { createHmac, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import {
  WHPK_PREFIX,
  WHSEC_PREFIX,
  decodePrefixedBase64,
  hmacKeyOf,
  signedContent,
} from './verify';

const WHSK_PREFIX = 'whsk_';
const GENERATED_SECRET_BYTES = 32;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** `whsec_` + base64 of 32 random bytes: returned to the bot owner once, stored sealed. */
export function generateWebhookSecret(): string {
  return WHSEC_PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64');
}

/**
 * The HMAC key of a secret a bot owner supplies, or null (→ 400).
 *
 * Only the `whsec_<base64 of 24–64 bytes>` form is accepted. The key is the decoded bytes,
 * and every Standard Webhooks library derives it that way: a free-form password would be
 * base64-decoded by the receiver's library into a different key, so deliveries would fail
 * verification on their side. Refusing it up front gives a clear error instead, and the
 * 24-byte floor (192 bits) keeps a guessable secret out.
 */
export function parseWebhookSecret(secret: string): Buffer | null {
  return decodePrefixedBase64(secret, WHSEC_PREFIX, MIN_SECRET_BYTES, MAX_SECRET_BYTES);
}

/**
 * The HMAC key of any secret a bot owner may set: a `whsec_` secret as parseWebhookSecret
 * reads it, or any other string of 16–256 characters, keyed by its UTF-8 bytes (as a plain
 * HMAC receiver computes it; Standard Webhooks libraries need the `whsec_` form). Null → 400.
 */
export function webhookKey(secret: string): Buffer | null {
  return hmacKeyOf(secret, MIN_SECRET_BYTES, MAX_SECRET_BYTES);
}

export interface SignPayloadInput {
  /** The update's UUID: the same on every retry, so receivers can de-duplicate. */
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact bytes (or string) sent as the request body. */
  body: string | Uint8Array;
  /** HMAC key: parseWebhookSecret's result (the decoded bytes, not the whsec_ string). */
  secret: Uint8Array;
  /** Platform Ed25519 key (64-byte tweetnacl secret key, or a fast signer); adds `v1a`. */
  signingKey?: { secretKey: Uint8Array } | Ed25519Signer;
}

export interface Ed25519Signer {
  sign(content: Buffer): Uint8Array;
}

// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The same signatures as tweetnacl (Ed25519 is deterministic), from node's native crypto:
 * ~50x faster than pure-JS signing, which matters on the delivery hot path.
 */
export function ed25519Signer(secretKey: Uint8Array): Ed25519Signer {
  const seed = Buffer.from(secretKey.subarray(0, 32));
  const key: KeyObject = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return { sign: (content) => sign(null, content, key) };
}

/** The full `webhook-signature` header value: `v1,<b64>` and optionally ` v1a,<b64>`. */
export function signPayload(input: SignPayloadInput): string {
  const content = signedContent(input.id, String(input.timestamp), input.body);
  const hmac = createHmac('sha256', input.secret).update(content).digest('base64');
  const signatures = [`v1,${hmac}`];
  const key = input.signingKey;
  if (key) {
    const sig = 'sign' in key ? key.sign(content) : nacl.sign.detached(content, key.secretKey);
    signatures.push(`v1a,${Buffer.from(sig).toString('base64')}`);
  }
  return signatures.join(' ');
}

/** The three Standard Webhooks headers for one delivery attempt. */
export function webhookHeaders(input: SignPayloadInput): Record<string, string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signPayload(input),
  };
}

export function generateSigningKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const { publicKey, secretKey } = nacl.sign.keyPair();
  return { publicKey, secretKey };
}

/** `whpk_` + base64 of the 32-byte Ed25519 public key, as served to receivers. */
export function toWhpk(publicKey: Uint8Array): string {
  if (publicKey.length !== nacl.sign.publicKeyLength) {
    throw new Error(`toWhpk: an Ed25519 public key is ${nacl.sign.publicKeyLength} bytes`);
  }
  return WHPK_PREFIX + Buffer.from(publicKey).toString('base64');
}

/** The 32-byte public key of a `whpk_` string, or null when it is not one. */
export function fromWhpk(value: string): Uint8Array | null {
  const bytes = decodePrefixedBase64(value, WHPK_PREFIX, 32, 32);
  return bytes === null ? null : new Uint8Array(bytes);
}

/** `whsk_` + base64 of the 64-byte tweetnacl secret key: the spec's form for export/import. */
export function toWhsk(secretKey: Uint8Array): string {
  if (secretKey.length !== nacl.sign.secretKeyLength) {
    throw new Error(`toWhsk: an Ed25519 secret key is ${nacl.sign.secretKeyLength} bytes`);
  }
  return WHSK_PREFIX + Buffer.from(secretKey).toString('base64');
}

/** The key pair of a `whsk_` string (tweetnacl keeps the public half inside), or null. */
export function fromWhsk(value: string): { publicKey: Uint8Array; secretKey: Uint8Array } | null {
  const bytes = decodePrefixedBase64(value, WHSK_PREFIX, 64, 64);
  return bytes === null ? null : nacl.sign.keyPair.fromSecretKey(new Uint8Array(bytes));
}
