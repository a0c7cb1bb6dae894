/**
 * Verifies a webhook delivered by the Quanta bot platform (Standard Webhooks format).
 *
 * Written for receivers: it depends only on `node:crypto` and `tweetnacl`, so it can be
 * copied into a bot's code base as it is. The platform's own signer reuses the helpers
 * below, so there is one definition of the signed content.
 *
 *   import { verifyWebhook, WebhookVerificationError } from './verify';
 *
 *   // Express: verify the raw bytes, never a re-serialised JSON object.
 *   app.post('/hook', express.raw({ type: 'application/json' }), (req, res) => {
 *     try {
 *       verifyWebhook({ headers: req.headers, body: req.body, secret: process.env.WEBHOOK_SECRET });
 *       // or, with the platform's Ed25519 key(s) from GET /api/v1/bot/webhook/public-key:
 *       // verifyWebhook({ headers: req.headers, body: req.body, publicKeys: ['whpk_…'] });
 *     } catch (err) {
 *       if (err instanceof WebhookVerificationError) return res.status(401).end();
 *       throw err;
 *     }
 *     const update = JSON.parse(req.body.toString('utf8'));
 *     // webhook-id is the same on every retry: use it to drop duplicates.
 *     res.status(200).end();
 *   });
 *
 * Headers: `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`, a
 * space-separated list of `v1,<base64 HMAC-SHA256>` and `v1a,<base64 Ed25519>` entries, both
 * over `${id}.${timestamp}.${body}`. One valid entry is enough: a list lets the sender
 * add signatures (or a new key's signature) without breaking receivers.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import nacl from 'tweetnacl';

export const WHSEC_PREFIX = 'whsec_';
export const WHPK_PREFIX = 'whpk_';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type VerificationFailure =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature';

export class WebhookVerificationError extends Error {
  constructor(
    readonly reason: VerificationFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Node's IncomingHttpHeaders, a plain object, or a fetch `Headers`-like object. */
export type HeaderSource =
  { get(name: string): string | null | undefined } | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  headers: HeaderSource;
  /** The raw request body, exactly as received. */
  body: string | Uint8Array;
  /** The endpoint's `whsec_…` secret: checks `v1` (HMAC) signatures. */
  secret?: string;
  /** The platform's `whpk_…` public keys, current and previous: checks `v1a` signatures. */
  publicKeys?: string[];
  toleranceSeconds?: number;
  /** Defaults to the current time. */
  now?: Date;
}

/** The bytes both signatures cover: `${id}.${timestamp}.` followed by the raw body. */
export function signedContent(id: string, timestamp: string, body: string | Uint8Array): Buffer {
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), bodyBytes]);
}

/**
 * Strictly decodes `prefix` + standard base64 (padding optional) of `minBytes..maxBytes`
 * bytes; null otherwise. Buffer.from(…, 'base64') silently skips bad characters, so the
 * re-encoding is compared to reject anything that is not exactly base64.
 */
export function decodePrefixedBase64(
  value: string,
  prefix: string,
  minBytes: number,
  maxBytes: number,
): Buffer | null {
  if (!value.startsWith(prefix)) return null;
  const encoded = value.slice(prefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const bytes = Buffer.from(encoded, 'base64');
  const canonical = bytes.toString('base64').replace(/=+$/, '');
  if (canonical !== encoded.replace(/=+$/, '')) return null;
  return bytes.length >= minBytes && bytes.length <= maxBytes ? bytes : null;
}

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function checkTimestamp(raw: string, toleranceSeconds: number, now: Date): void {
  if (!/^\d{1,15}$/.test(raw)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not a number');
  }
  const age = Math.floor(now.getTime() / 1000) - Number(raw);
  if (age > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_old', 'webhook-timestamp is too old');
  }
  if (-age > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_new', 'webhook-timestamp is in the future');
  }
}

function hmacMatches(key: Buffer, content: Buffer, signature: string): boolean {
  const given = Buffer.from(signature, 'base64');
  const expected = createHmac('sha256', key).update(content).digest();
  // timingSafeEqual needs equal lengths; the length itself is not secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function ed25519Matches(publicKeys: Uint8Array[], content: Buffer, signature: string): boolean {
  const sig = Buffer.from(signature, 'base64');
  if (sig.length !== nacl.sign.signatureLength) return false;
  return publicKeys.some((pk) => nacl.sign.detached.verify(content, sig, pk));
}

/**
 * The HMAC key a secret stands for: the decoded bytes of a `whsec_<base64>` secret (what
 * Standard Webhooks libraries do), else the UTF-8 bytes of a plain 16–256 character secret.
 */
export function hmacKeyOf(secret: string, minWhsecBytes = 1, maxWhsecBytes = 256): Buffer | null {
  if (secret.startsWith(WHSEC_PREFIX)) {
    return decodePrefixedBase64(secret, WHSEC_PREFIX, minWhsecBytes, maxWhsecBytes);
  }
  const length = [...secret].length;
  return length >= 16 && length <= 256 ? Buffer.from(secret, 'utf8') : null;
}

function parseKeys(secret: string | undefined, publicKeys: string[]) {
  if (secret === undefined && publicKeys.length === 0) {
    throw new TypeError('verifyWebhook: pass a secret, public keys, or both');
  }
  const hmacKey = secret === undefined ? null : hmacKeyOf(secret);
  if (secret !== undefined && hmacKey === null) {
    throw new TypeError(
      'verifyWebhook: secret must look like whsec_<base64>, or be 16-256 characters',
    );
  }
  const edKeys = publicKeys.map((k) => {
    const pk = decodePrefixedBase64(k, WHPK_PREFIX, 32, 32);
    if (pk === null) throw new TypeError('verifyWebhook: public keys must look like whpk_<base64>');
    return pk;
  });
  return { hmacKey, edKeys };
}

/** Throws WebhookVerificationError unless the delivery is fresh and carries a valid signature. */
export function verifyWebhook(options: VerifyWebhookOptions): void {
  const { headers, body, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = options;
  const { hmacKey, edKeys } = parseKeys(options.secret, options.publicKeys ?? []);
  const id = readHeader(headers, 'webhook-id');
  const timestamp = readHeader(headers, 'webhook-timestamp');
  const signatures = readHeader(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('missing_headers', 'missing webhook-* headers');
  }
  checkTimestamp(timestamp, toleranceSeconds, options.now ?? new Date());

  const content = signedContent(id, timestamp, body);
  const matched = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (!signature) return false;
    if (version === 'v1') return hmacKey !== null && hmacMatches(hmacKey, content, signature);
    if (version === 'v1a') return ed25519Matches(edKeys, content, signature);
    return false;
  });
  if (!matched) {
    throw new WebhookVerificationError('no_matching_signature', 'no valid webhook signature');
  }
}
