// End-to-end encryption in the browser (the README's "End-to-end encryption"): the key pair
// made here, the secret kept in IndexedDB, boxes sealed and opened with tweetnacl.
// The chat view calls only what this file exports.
import type { Chat, Message, User } from '../types';

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
}

/**
 * Makes the user's key pair on first use in this browser, keeps the secret in IndexedDB and
 * publishes the public key (PUT /auth/keys); answers the user with `public_key` set.
 */
export function ensureKeys(user: User): Promise<User> {
  void user;
  return Promise.reject(new Error('end-to-end encryption is not built yet'));
}

/** The README's rule: every member of the chat has a public key (and this browser has ours). */
export function isEncrypted(chat: Chat, me: User): boolean {
  void chat;
  void me;
  return false;
}

/** Seals `text` for the chat's members (a box in a direct chat, secretbox + keys in a group). */
export function sealText(chat: Chat, me: User, text: string): Promise<SealedText> {
  void chat;
  void me;
  void text;
  return Promise.reject(new Error('end-to-end encryption is not built yet'));
}

/** Seals file bytes under a fresh key (the caption and key then go through sealText's envelope). */
export function sealFile(bytes: Uint8Array): SealedFile {
  void bytes;
  throw new Error('end-to-end encryption is not built yet');
}

/** Opens a sealed message; undefined when it is not sealed (plaintext: show `content`). */
export function openMessage(message: Message, me: User): Promise<OpenedText | undefined> {
  void message;
  void me;
  return Promise.resolve(undefined);
}

/** Opens a sealed file's bytes with the key from its opened envelope. */
export function openFile(sealed: Uint8Array, key: string, nonce: string): Uint8Array {
  void sealed;
  void key;
  void nonce;
  throw new Error('end-to-end encryption is not built yet');
}
