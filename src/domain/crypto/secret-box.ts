/**
 * Encryption at rest for small secrets (webhook secrets, signing keys) under MASTER_KEY,
 * with tweetnacl's secretbox (XSalsa20-Poly1305: authenticated, so tampering is detected).
 *
 * Sealed layout: [version (1 byte)][nonce (24 bytes)][box (plaintext + 16-byte tag)].
 * The version byte lets a later format (another cipher, a key id for MASTER_KEY rotation)
 * coexist with rows already stored in this one. The nonce is random per seal: 24 bytes are
 * enough that random nonces never collide in practice, so no counter has to be kept.
 */
import { randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';

const VERSION_1 = 1;
const HEADER_BYTES = 1 + nacl.secretbox.nonceLength;
const MIN_SEALED_BYTES = HEADER_BYTES + nacl.secretbox.overheadLength;

function assertKey(masterKey: Uint8Array): void {
  if (masterKey.length !== nacl.secretbox.keyLength) {
    throw new Error(`secret-box: master key must be ${nacl.secretbox.keyLength} bytes`);
  }
}

export function sealSecret(masterKey: Uint8Array, plaintext: Uint8Array | string): Buffer {
  assertKey(masterKey);
  const message = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const box = nacl.secretbox(message, nonce, masterKey);
  return Buffer.concat([Buffer.from([VERSION_1]), nonce, box]);
}

export function openSecret(masterKey: Uint8Array, sealed: Uint8Array): Buffer {
  assertKey(masterKey);
  if (sealed.length < MIN_SEALED_BYTES) throw new Error('secret-box: sealed data is truncated');
  if (sealed[0] !== VERSION_1) {
    throw new Error(`secret-box: unknown format version ${String(sealed[0])}`);
  }
  const nonce = sealed.subarray(1, HEADER_BYTES);
  const opened = nacl.secretbox.open(sealed.subarray(HEADER_BYTES), nonce, masterKey);
  // secretbox cannot tell a wrong key from altered bytes: both fail the Poly1305 tag.
  if (opened === null) throw new Error('secret-box: cannot open (wrong key or tampered data)');
  return Buffer.from(opened);
}
