/**
 * NaCl box (X25519-XSalsa20-Poly1305) as the end-to-end encrypted chats use it: keys, nonces
 * and boxes travel as standard base64. Pure functions; who holds which key is decided above.
 */
import nacl from 'tweetnacl';

export const PUBLIC_KEY_BYTES = nacl.box.publicKeyLength;
export const NONCE_BYTES = nacl.box.nonceLength;
/** The Poly1305 tag: a box is at least this long, plus one byte of message. */
export const BOX_OVERHEAD = nacl.box.overheadLength;

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of canonical standard base64, or null (Buffer.from would skip bad characters). */
export function decodeBase64(s: string): Uint8Array | null {
  if (!STANDARD_BASE64.test(s)) return null;
  const bytes = Buffer.from(s, 'base64');
  // Non-zero padding bits decode the same as zero ones: only the canonical spelling is kept.
  return bytes.toString('base64') === s ? new Uint8Array(bytes) : null;
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export interface BoxKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export const newBoxKeyPair = (): BoxKeyPair => nacl.box.keyPair();

export interface SealedText {
  /** base64 box */
  box: string;
  /** base64, 24 bytes */
  nonce: string;
}

/** Encrypt `plaintext` from the holder of `secretKey` to `recipientPublicKey`. */
export function boxText(
  plaintext: string,
  recipientPublicKey: Uint8Array,
  secretKey: Uint8Array,
): SealedText {
  const nonce = nacl.randomBytes(NONCE_BYTES);
  const box = nacl.box(Buffer.from(plaintext, 'utf8'), nonce, recipientPublicKey, secretKey);
  return { box: toBase64(box), nonce: toBase64(nonce) };
}

/**
 * The text of a box between `peerPublicKey` and the holder of `secretKey` (either direction:
 * both ends compute the same shared key), or null when it does not open or is not UTF-8.
 */
export function openText(
  sealed: SealedText,
  peerPublicKey: string,
  secretKey: Uint8Array,
): string | null {
  const box = decodeBase64(sealed.box);
  const nonce = decodeBase64(sealed.nonce);
  const peer = decodeBase64(peerPublicKey);
  if (!box || nonce?.length !== NONCE_BYTES || peer?.length !== PUBLIC_KEY_BYTES) return null;
  const opened = nacl.box.open(box, nonce, peer, secretKey);
  if (!opened) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(opened);
  } catch {
    return null;
  }
}

export const SECRETBOX_KEY_BYTES = nacl.secretbox.keyLength;
export const SECRETBOX_OVERHEAD = nacl.secretbox.overheadLength;
/** A message key boxed for one member: the 32-byte key and the Poly1305 tag. */
export const KEY_BOX_BYTES = SECRETBOX_KEY_BYTES + BOX_OVERHEAD;

/** The message key boxed for one member of a group. */
export interface KeyEntry {
  /** base64, 24 bytes */
  nonce: string;
  /** base64 box of the 32-byte message key */
  box: string;
}

export interface GroupSealed extends SealedText {
  /** member id → the message key boxed to that member's public key */
  keys: Record<string, KeyEntry>;
}

/**
 * A group message: the text sealed once with secretbox under a fresh random key, and that key
 * boxed from the holder of `secretKey` to each member's public key.
 */
export function sealForGroup(
  plaintext: string,
  members: { id: string; publicKey: Uint8Array }[],
  secretKey: Uint8Array,
): GroupSealed {
  const messageKey = nacl.randomBytes(SECRETBOX_KEY_BYTES);
  const nonce = nacl.randomBytes(NONCE_BYTES);
  try {
    const box = nacl.secretbox(Buffer.from(plaintext, 'utf8'), nonce, messageKey);
    const keys: Record<string, KeyEntry> = {};
    for (const m of members) {
      const keyNonce = nacl.randomBytes(NONCE_BYTES);
      const sealed = nacl.box(messageKey, keyNonce, m.publicKey, secretKey);
      keys[m.id] = { nonce: toBase64(keyNonce), box: toBase64(sealed) };
    }
    return { box: toBase64(box), nonce: toBase64(nonce), keys };
  } finally {
    messageKey.fill(0);
  }
}

/**
 * The text of a group message for the member whose key `entry` is, or null when the key box
 * or the text does not open (or is not UTF-8).
 */
export function openGroupText(
  sealed: SealedText,
  entry: KeyEntry,
  senderPublicKey: string,
  secretKey: Uint8Array,
): string | null {
  const keyBox = decodeBase64(entry.box);
  const keyNonce = decodeBase64(entry.nonce);
  const sender = decodeBase64(senderPublicKey);
  const box = decodeBase64(sealed.box);
  const nonce = decodeBase64(sealed.nonce);
  if (!keyBox || !box || keyNonce?.length !== NONCE_BYTES || nonce?.length !== NONCE_BYTES) {
    return null;
  }
  if (sender?.length !== PUBLIC_KEY_BYTES) return null;
  const messageKey = nacl.box.open(keyBox, keyNonce, sender, secretKey);
  if (messageKey?.length !== SECRETBOX_KEY_BYTES) return null;
  const opened = nacl.secretbox.open(box, nonce, messageKey);
  messageKey.fill(0);
  if (!opened) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(opened);
  } catch {
    return null;
  }
}

/** Media bytes sealed with secretbox under a fresh key; key and nonce travel in the envelope. */
export interface SealedBytes {
  data: Buffer;
  /** base64, 32 bytes */
  key: string;
  /** base64, 24 bytes */
  nonce: string;
}

export function sealBytes(bytes: Uint8Array): SealedBytes {
  const key = nacl.randomBytes(SECRETBOX_KEY_BYTES);
  const nonce = nacl.randomBytes(NONCE_BYTES);
  const data = Buffer.from(nacl.secretbox(bytes, nonce, key));
  const out = { data, key: toBase64(key), nonce: toBase64(nonce) };
  key.fill(0);
  return out;
}

/** The bytes of sealed media, or null when key, nonce or bytes do not open. */
export function openBytes(data: Uint8Array, key: string, nonce: string): Buffer | null {
  const k = decodeBase64(key);
  const n = decodeBase64(nonce);
  if (k?.length !== SECRETBOX_KEY_BYTES || n?.length !== NONCE_BYTES) return null;
  const opened = nacl.secretbox.open(data, n, k);
  return opened && Buffer.from(opened);
}
