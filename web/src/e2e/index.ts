// End-to-end encryption in the browser (the README's "End-to-end encryption"): the key pair
// made here, the secret kept in IndexedDB, boxes sealed and opened with tweetnacl.
// The chat view calls only what this file exports.
import nacl from 'tweetnacl';
import { api } from '../api';
import type { Chat, Message, User } from '../types';
import { fromBase64, toBase64 } from './base64';
import { loadKeyPair, saveKeyPair } from './key-store';

/** What a sealed message is sent as: POST /chats/:id/messages {content, payload}. */
export interface SealedText {
  content: string;
  payload: Record<string, unknown>;
}

/** A file sealed for an encrypted chat: the bytes to upload and the envelope's key fields. */
export interface SealedFile {
  data: string;
  mediaKey: string;
  mediaNonce: string;
}

/** An opened message: its text (a photo's caption) and, for sealed files, the file's key. */
export interface OpenedText {
  text: string;
  mediaKey?: string;
  mediaNonce?: string;
  /** A sealed poll's texts (the stored poll keeps only blanks; option ids are indexes). */
  poll?: { question: string; options: string[] };
  /** Sealed, but not to a key this browser holds (another device, or a replaced key). */
  unreadable?: boolean;
}

/** This browser's key pair for the signed-in user, once ensureKeys has run. */
let mine: { userId: string; pair: nacl.BoxKeyPair } | undefined;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Makes the user's key pair on first use in this browser, keeps the secret in IndexedDB and
 * publishes the public key (PUT /auth/keys); answers the user with `public_key` set.
 * A key published from another browser is replaced: that browser's secret stays there.
 */
export async function ensureKeys(user: User): Promise<User> {
  let pair = await loadKeyPair(user.id);
  if (!pair) {
    pair = nacl.box.keyPair();
    await saveKeyPair(user.id, pair);
  }
  mine = { userId: user.id, pair };
  const publicKey = toBase64(pair.publicKey);
  if (user.public_key === publicKey) return user;
  await api('PUT', '/api/v1/auth/keys', { public_key: publicKey });
  return { ...user, public_key: publicKey };
}

/** Forgets the key in memory (sign out); the stored pair stays for the next sign-in here. */
export function forgetKeys(): void {
  mine = undefined;
}

const myPair = (me: User) =>
  mine?.userId === me.id && me.public_key === toBase64(mine.pair.publicKey) ? mine.pair : undefined;

/** The README's rule: every member of the chat has a public key (and this browser has ours). */
export function isEncrypted(chat: Chat, me: User): boolean {
  if (!myPair(me)) return false;
  return chat.members.every((m) => m.id === me.id || Boolean(m.public_key));
}

/** Seals `text` for the chat's members (a box in a direct chat, secretbox + keys in a group). */
export function sealText(chat: Chat, me: User, text: string): Promise<SealedText> {
  const pair = myPair(me);
  if (!pair || !isEncrypted(chat, me)) {
    return Promise.reject(new Error('This chat is not end-to-end encrypted.'));
  }
  const plain = encoder.encode(text);
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  if (chat.type === 'private') {
    const peer = chat.members.find((m) => m.id !== me.id);
    const box = nacl.box(plain, nonce, fromBase64(peer!.public_key!), pair.secretKey);
    return Promise.resolve({ content: toBase64(box), payload: { nonce: toBase64(nonce) } });
  }
  const messageKey = nacl.randomBytes(nacl.secretbox.keyLength);
  const keys: Record<string, { nonce: string; box: string }> = {};
  // Our own entry too: it lets us read our message back later.
  for (const m of chat.members) {
    const keyNonce = nacl.randomBytes(nacl.box.nonceLength);
    const box = nacl.box(messageKey, keyNonce, fromBase64(m.public_key!), pair.secretKey);
    keys[m.id] = { nonce: toBase64(keyNonce), box: toBase64(box) };
  }
  const content = nacl.secretbox(plain, nonce, messageKey);
  return Promise.resolve({ content: toBase64(content), payload: { nonce: toBase64(nonce), keys } });
}

/** Seals file bytes under a fresh key (the caption and key then go through sealText's envelope). */
export function sealFile(bytes: Uint8Array): SealedFile {
  const key = nacl.randomBytes(nacl.secretbox.keyLength);
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  return {
    data: toBase64(nacl.secretbox(bytes, nonce, key)),
    mediaKey: toBase64(key),
    mediaNonce: toBase64(nonce),
  };
}

/** The text a sealed file's message carries: its caption with the file's key (sealText it). */
export function mediaEnvelope(caption: string, file: SealedFile): string {
  return JSON.stringify({ text: caption, media_key: file.mediaKey, media_nonce: file.mediaNonce });
}

/** Opens a sealed message; undefined when it is not sealed (plaintext: show `content`). */
export function openMessage(message: Message, me: User): Promise<OpenedText | undefined> {
  const payload = message.payload ?? {};
  if (typeof payload.nonce !== 'string') return Promise.resolve(undefined);
  const pair = myPair(me);
  const opened = pair ? openBox(message, payload, me, pair) : null;
  if (opened === null) {
    return Promise.resolve({
      text: 'This message cannot be opened in this browser.',
      unreadable: true,
    });
  }
  const text = decoder.decode(opened);
  if (message.poll) return Promise.resolve(fromPollEnvelope(text));
  return Promise.resolve(message.media ? fromEnvelope(text) : { text });
}

function openBox(
  m: Message,
  payload: Record<string, unknown>,
  me: User,
  pair: nacl.BoxKeyPair,
): Uint8Array | null {
  try {
    const nonce = fromBase64(payload.nonce as string);
    const content = fromBase64(m.content);
    const senderKey = (payload.sender_public_key as string | undefined) ?? m.sender.public_key;
    const keys = payload.keys as Record<string, { nonce: string; box: string }> | undefined;
    if (keys) {
      const entry = keys[me.id];
      if (!entry || !senderKey) return null;
      const messageKey = nacl.box.open(
        fromBase64(entry.box),
        fromBase64(entry.nonce),
        fromBase64(senderKey),
        pair.secretKey,
      );
      return messageKey && nacl.secretbox.open(content, nonce, messageKey);
    }
    // A direct box is opened with the other end's key: the recipient's for what we sent.
    const otherKey =
      m.sender.id === me.id ? (payload.recipient_public_key as string | undefined) : senderKey;
    if (!otherKey) return null;
    return nacl.box.open(content, nonce, fromBase64(otherKey), pair.secretKey);
  } catch {
    // Malformed base64 from a misbehaving client: unreadable, not a broken screen.
    return null;
  }
}

function fromEnvelope(text: string): OpenedText {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v.media_key === 'string' && typeof v.media_nonce === 'string') {
      return {
        text: typeof v.text === 'string' ? v.text : '',
        mediaKey: v.media_key,
        mediaNonce: v.media_nonce,
      };
    }
  } catch {
    // not an envelope: a plain caption
  }
  return { text };
}

function fromPollEnvelope(text: string): OpenedText {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const { question, options } = v;
    if (typeof question === 'string' && Array.isArray(options)) {
      return { text: question, poll: { question, options: options.map(String) } };
    }
  } catch {
    // not a poll envelope
  }
  return { text };
}

/** Opens a sealed file's bytes with the key from its opened envelope. */
export function openFile(sealed: Uint8Array, key: string, nonce: string): Uint8Array {
  const bytes = nacl.secretbox.open(sealed, fromBase64(nonce), fromBase64(key));
  if (!bytes) throw new Error('The file could not be opened (wrong key or damaged).');
  return bytes;
}
