import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import nacl from 'tweetnacl';
import { openSecret, sealSecret } from '../../src/domain/crypto/secret-box';
import {
  fromWhpk,
  fromWhsk,
  generateSigningKeyPair,
  generateWebhookSecret,
  parseWebhookSecret,
  signPayload,
  toWhpk,
  toWhsk,
  webhookHeaders,
} from '../../src/domain/webhooks/signature';
import { WebhookVerificationError, verifyWebhook } from '../../src/domain/webhooks/verify';

/**
 * A receiver's check written straight from the Standard Webhooks spec, sharing no code with
 * the module under test: key = base64 after `whsec_`, content = `${id}.${ts}.${body}`.
 */
function specVerify(
  headers: Record<string, string>,
  body: string,
  secret: string,
  whpk: string,
): { v1: boolean; v1a: boolean } {
  const content = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const key = Buffer.from(secret.split('_')[1] ?? '', 'base64');
  const expected = createHmac('sha256', key).update(content).digest();
  const publicKey = new Uint8Array(Buffer.from(whpk.slice('whpk_'.length), 'base64'));
  const result = { v1: false, v1a: false };
  for (const entry of (headers['webhook-signature'] ?? '').split(' ')) {
    const [version, b64 = ''] = entry.split(',');
    const sig = Buffer.from(b64, 'base64');
    if (version === 'v1' && sig.length === expected.length && timingSafeEqual(sig, expected)) {
      result.v1 = true;
    }
    if (
      version === 'v1a' &&
      nacl.sign.detached.verify(Buffer.from(content), new Uint8Array(sig), publicKey)
    ) {
      result.v1a = true;
    }
  }
  return result;
}

const NOW = new Date('2025-01-01T00:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const ID = '0f8c2b1e-6a4d-4a8e-9f5e-2d1c3b4a5e6f';
const BODY = JSON.stringify({ update_id: 7, message: { text: 'héllo ✓' } });

function delivery(overrides: { timestamp?: number; body?: string } = {}) {
  const secret = generateWebhookSecret();
  const keys = generateSigningKeyPair();
  const headers = webhookHeaders({
    id: ID,
    timestamp: overrides.timestamp ?? NOW_S,
    body: overrides.body ?? BODY,
    secret: parseWebhookSecret(secret) ?? Buffer.alloc(0),
    signingKey: keys,
  });
  return { secret, keys, whpk: toWhpk(keys.publicKey), headers };
}

function failure(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.reason;
    throw err;
  }
  throw new Error('expected verification to fail');
}

describe('webhook secrets', () => {
  it('generates whsec_ + base64 of 32 bytes and parses it back to those bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(parseWebhookSecret(secret)).toEqual(Buffer.from(secret.slice(6), 'base64'));
  });

  it('accepts 24–64 byte whsec_ secrets, padded or not, and nothing else', () => {
    const b64 = (n: number) => randomBytes(n).toString('base64');
    expect(parseWebhookSecret(`whsec_${b64(24)}`)).toHaveLength(24);
    expect(parseWebhookSecret(`whsec_${b64(64)}`)).toHaveLength(64);
    expect(parseWebhookSecret(`whsec_${b64(32).replace(/=+$/, '')}`)).toHaveLength(32);
    expect(parseWebhookSecret(`whsec_${b64(23)}`)).toBeNull();
    expect(parseWebhookSecret(`whsec_${b64(65)}`)).toBeNull();
    expect(parseWebhookSecret(b64(32))).toBeNull();
    expect(parseWebhookSecret('my-long-and-very-secret-password-123')).toBeNull();
    expect(parseWebhookSecret(`whsec_${b64(32)}!`)).toBeNull();
    expect(parseWebhookSecret(`whsec_${randomBytes(32).toString('base64url')}_-`)).toBeNull();
  });
});

describe('signPayload / verifyWebhook', () => {
  it('reproduces the published Standard Webhooks test vector', () => {
    const signature = signPayload({
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      secret: parseWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') ?? Buffer.alloc(0),
    });
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('emits v1 and v1a, both accepted by an independent spec implementation', () => {
    const { secret, whpk, headers } = delivery();
    expect(headers['webhook-id']).toBe(ID);
    expect(headers['webhook-timestamp']).toBe(String(NOW_S));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]{44} v1a,[A-Za-z0-9+/=]{88}$/);
    expect(specVerify(headers, BODY, secret, whpk)).toEqual({ v1: true, v1a: true });
  });

  it('round-trips through verifyWebhook with the secret, the public key, or both', () => {
    const { secret, whpk, headers } = delivery();
    const base = { headers, body: BODY, now: NOW };
    expect(() => verifyWebhook({ ...base, secret })).not.toThrow();
    expect(() => verifyWebhook({ ...base, publicKeys: [whpk] })).not.toThrow();
    expect(() => verifyWebhook({ ...base, secret, publicKeys: [whpk] })).not.toThrow();
    expect(() => verifyWebhook({ ...base, body: Buffer.from(BODY), secret })).not.toThrow();
  });

  it('reads headers case-insensitively from plain objects, arrays and Headers', () => {
    const { secret, headers } = delivery();
    const upper = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]),
    );
    expect(() => verifyWebhook({ headers: upper, body: BODY, secret, now: NOW })).not.toThrow();
    const fetchHeaders = new Headers(headers);
    expect(() =>
      verifyWebhook({ headers: fetchHeaders, body: BODY, secret, now: NOW }),
    ).not.toThrow();
  });

  it('fails when the body, id or timestamp was altered', () => {
    const { secret, whpk, headers } = delivery();
    const keys = { secret, publicKeys: [whpk], now: NOW };
    expect(failure(() => verifyWebhook({ ...keys, headers, body: BODY + ' ' }))).toBe(
      'no_matching_signature',
    );
    const otherId = { ...headers, 'webhook-id': ID.replace('0f8c', '0f8d') };
    expect(failure(() => verifyWebhook({ ...keys, headers: otherId, body: BODY }))).toBe(
      'no_matching_signature',
    );
    const otherTs = { ...headers, 'webhook-timestamp': String(NOW_S - 1) };
    expect(failure(() => verifyWebhook({ ...keys, headers: otherTs, body: BODY }))).toBe(
      'no_matching_signature',
    );
    expect(specVerify(otherTs, BODY, secret, whpk)).toEqual({ v1: false, v1a: false });
  });

  it('enforces the 5-minute tolerance in both directions', () => {
    const old = delivery({ timestamp: NOW_S - 301 });
    expect(failure(() => verifyWebhook({ ...old, body: BODY, now: NOW }))).toBe(
      'timestamp_too_old',
    );
    const future = delivery({ timestamp: NOW_S + 301 });
    expect(failure(() => verifyWebhook({ ...future, body: BODY, now: NOW }))).toBe(
      'timestamp_too_new',
    );
    const edge = delivery({ timestamp: NOW_S - 300 });
    expect(() => verifyWebhook({ ...edge, body: BODY, now: NOW })).not.toThrow();
  });

  it('reports missing headers and a non-numeric timestamp', () => {
    const { secret, headers } = delivery();
    const { 'webhook-signature': _dropped, ...unsigned } = headers;
    expect(failure(() => verifyWebhook({ headers: unsigned, body: BODY, secret }))).toBe(
      'missing_headers',
    );
    const badTs = { ...headers, 'webhook-timestamp': '17e8' };
    expect(failure(() => verifyWebhook({ headers: badTs, body: BODY, secret }))).toBe(
      'invalid_timestamp',
    );
  });

  it('fails with the wrong secret or an unknown public key', () => {
    const { headers } = delivery();
    const base = { headers, body: BODY, now: NOW };
    const secret = generateWebhookSecret();
    expect(failure(() => verifyWebhook({ ...base, secret }))).toBe('no_matching_signature');
    const stranger = toWhpk(generateSigningKeyPair().publicKey);
    expect(failure(() => verifyWebhook({ ...base, publicKeys: [stranger] }))).toBe(
      'no_matching_signature',
    );
  });

  it('supports key rotation: verifies under any of several public keys', () => {
    const oldKeys = generateSigningKeyPair();
    const newKeys = generateSigningKeyPair();
    const publicKeys = [toWhpk(oldKeys.publicKey), toWhpk(newKeys.publicKey)];
    const secret = parseWebhookSecret(generateWebhookSecret()) ?? Buffer.alloc(0);
    for (const signingKey of [oldKeys, newKeys]) {
      const headers = webhookHeaders({ id: ID, timestamp: NOW_S, body: BODY, secret, signingKey });
      expect(() => verifyWebhook({ headers, body: BODY, publicKeys, now: NOW })).not.toThrow();
    }
  });

  it('accepts a header that lists a foreign or broken entry before a valid one', () => {
    const { secret, headers } = delivery();
    const noisy = {
      ...headers,
      'webhook-signature': `v2,abc v1,bm9wZQ== ${headers['webhook-signature']}`,
    };
    expect(() => verifyWebhook({ headers: noisy, body: BODY, secret, now: NOW })).not.toThrow();
  });

  it('refuses to run without keys, or with malformed ones', () => {
    const { headers } = delivery();
    expect(() => verifyWebhook({ headers, body: BODY })).toThrow(TypeError);
    expect(() => verifyWebhook({ headers, body: BODY, secret: 'hunter2' })).toThrow(TypeError);
    expect(() => verifyWebhook({ headers, body: BODY, publicKeys: ['whpk_AAAA'] })).toThrow(
      TypeError,
    );
  });
});

describe('whpk_ / whsk_ forms', () => {
  it('round-trips public and secret keys', () => {
    const keys = generateSigningKeyPair();
    const whpk = toWhpk(keys.publicKey);
    expect(whpk).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(fromWhpk(whpk)).toEqual(keys.publicKey);
    expect(fromWhpk('whpk_AAAA')).toBeNull();
    expect(fromWhpk(whpk.replace('whpk_', 'whsk_'))).toBeNull();
    const restored = fromWhsk(toWhsk(keys.secretKey));
    expect(restored?.publicKey).toEqual(keys.publicKey);
    expect(fromWhsk(whpk)).toBeNull();
  });
});

describe('secret box', () => {
  const masterKey = new Uint8Array(randomBytes(32));

  it('round-trips strings and bytes, with a fresh nonce each time', () => {
    const a = sealSecret(masterKey, 'whsec_abc');
    const b = sealSecret(masterKey, 'whsec_abc');
    expect(a.equals(b)).toBe(false);
    expect(a[0]).toBe(1);
    expect(openSecret(masterKey, a).toString('utf8')).toBe('whsec_abc');
    const bytes = new Uint8Array(randomBytes(64));
    expect(new Uint8Array(openSecret(masterKey, sealSecret(masterKey, bytes)))).toEqual(bytes);
  });

  it('fails with the wrong key', () => {
    const sealed = sealSecret(masterKey, 'secret');
    const wrong = new Uint8Array(randomBytes(32));
    expect(() => openSecret(wrong, sealed)).toThrow(/wrong key or tampered/);
  });

  it('fails when any byte was tampered with, or the data is truncated or unknown', () => {
    const sealed = sealSecret(masterKey, 'secret');
    for (const i of [1, 24, 25, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      expect(() => openSecret(masterKey, tampered)).toThrow(/wrong key or tampered/);
    }
    expect(() => openSecret(masterKey, sealed.subarray(0, 30))).toThrow(/truncated/);
    const future = Buffer.from(sealed);
    future[0] = 2;
    expect(() => openSecret(masterKey, future)).toThrow(/unknown format version 2/);
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => sealSecret(new Uint8Array(16), 'x')).toThrow(/32 bytes/);
  });
});

describe('ed25519Signer (native crypto on the delivery path)', () => {
  it('produces exactly the signatures tweetnacl produces', () => {
    const { ed25519Signer, generateSigningKeyPair, signPayload } = jest.requireActual<
      typeof import('../../src/domain/webhooks/signature')
    >('../../src/domain/webhooks/signature');
    const pair = generateSigningKeyPair();
    const input = {
      id: 'msg_1',
      timestamp: 1700000000,
      body: '{"a":1}',
      secret: Buffer.alloc(32, 7),
    };
    const slow = signPayload({ ...input, signingKey: pair });
    const fast = signPayload({ ...input, signingKey: ed25519Signer(pair.secretKey) });
    expect(fast).toBe(slow);
  });
});
