// What an encrypted message looks like in the store, and the rule for when a chat is
// encrypted. The relay keeps the box and the nonce exactly as the sender made them, and
// stamps the public keys used so either end (or a managed bot's edge) can open it later
// even after someone changes keys.
//
// Direct chats: `content` is nacl.box(text) from the sender to the other end.
// Groups: `content` is nacl.secretbox(text) under a random message key, and `payload.keys`
// maps each member's user id to that key boxed from the sender to the member.
import type { Recipient } from '../chats/chats.service';
import {
  BOX_OVERHEAD,
  decodeBase64,
  KEY_BOX_BYTES,
  NONCE_BYTES,
  SECRETBOX_OVERHEAD,
  type KeyEntry,
} from '../crypto/e2e-box';
import { invalid } from '../errors';
import type { ChatType, MessagePayload, MessageRecord, Person } from '../messages/message';

/**
 * Payload keys that belong to an envelope: the platform's stamps, and a group's key boxes
 * (kept only beside a checked nonce). Plaintext loses them: it cannot pass for a box.
 */
const STAMPED = ['encrypted', 'sender_public_key', 'recipient_public_key', 'keys'] as const;

/** A stored message is a box when its payload carries the nonce. */
export const isEncrypted = (m: Pick<MessageRecord, 'payload'>): boolean =>
  typeof m.payload.nonce === 'string';

/** The key boxes of a group message, or undefined for a direct chat's box. */
export function keyBoxesOf(payload: MessagePayload): Record<string, KeyEntry> | undefined {
  const keys = payload.keys;
  return typeof keys === 'object' && keys !== null && !Array.isArray(keys)
    ? (keys as Record<string, KeyEntry>)
    : undefined;
}

/** The other end of a direct chat. */
export const peerOf = (members: Recipient[], senderId: string): Recipient | undefined =>
  members.find((m) => m.userId !== senderId);

/** Who a message in an encrypted chat is sealed to, with their public keys (base64). */
export type Encryption =
  | { kind: 'direct'; sender: string; recipient: string }
  | { kind: 'group'; sender: string; members: { userId: string; publicKey: string }[] };

/**
 * A direct chat is encrypted when both ends have a public key; a group when every member
 * has one (every bot registered since end-to-end encryption has one). Null: plaintext.
 */
export function chatEncryption(
  chatType: ChatType,
  members: Recipient[],
  sender: Person,
): Encryption | null {
  if (!sender.publicKey) return null;
  if (chatType === 'private') {
    const peer = peerOf(members, sender.id);
    if (!peer?.publicKey) return null;
    return { kind: 'direct', sender: sender.publicKey, recipient: peer.publicKey };
  }
  const keyed: { userId: string; publicKey: string }[] = [];
  for (const m of members) {
    if (!m.publicKey) return null;
    keyed.push({ userId: m.userId, publicKey: m.publicKey });
  }
  return { kind: 'group', sender: sender.publicKey, members: keyed };
}

export function withoutStamps(payload: MessagePayload): MessagePayload {
  const out = { ...payload };
  for (const k of STAMPED) delete out[k];
  return out;
}

const isNonce = (s: unknown) => typeof s === 'string' && decodeBase64(s)?.length === NONCE_BYTES;

/**
 * A group message's key boxes, checked: one per member other than the sender (the sender's
 * own is optional), none for anyone else, each a nonce and a box of a 32-byte key.
 */
function checkedKeyBoxes(
  raw: unknown,
  enc: Extract<Encryption, { kind: 'group' }>,
  senderId: string,
): Record<string, KeyEntry> {
  const keys = keyBoxesOf({ keys: raw });
  if (!keys) {
    throw invalid('payload.keys', 'must map each member id to {nonce, box} in a group');
  }
  const memberIds = new Set(enc.members.map((m) => m.userId));
  const out: Record<string, KeyEntry> = {};
  for (const [id, entry] of Object.entries(keys)) {
    if (!memberIds.has(id)) throw invalid('payload.keys', `${id.slice(0, 64)} is not a member`);
    const { nonce, box } = (entry ?? {}) as Partial<KeyEntry>;
    if (!isNonce(nonce) || typeof box !== 'string' || decodeBase64(box)?.length !== KEY_BOX_BYTES) {
      throw invalid(
        'payload.keys',
        `each entry is {nonce: ${NONCE_BYTES} bytes, box: ${KEY_BOX_BYTES} bytes}, standard base64`,
      );
    }
    out[id] = { nonce: nonce!, box };
  }
  const missing = enc.members.find((m) => m.userId !== senderId && !out[m.userId]);
  if (missing) throw invalid('payload.keys', `the message key is not boxed for ${missing.userId}`);
  return out;
}

/** The payload of a box made by its sender: checked, nonce kept, the keys used stamped. */
export function boxPayload(
  chatType: ChatType,
  members: Recipient[],
  sender: Person,
  content: string,
  payload: MessagePayload,
): MessagePayload {
  const nonce = payload.nonce;
  if (!isNonce(nonce)) {
    throw invalid('payload.nonce', `must be ${NONCE_BYTES} bytes, standard base64`);
  }
  const box = decodeBase64(content);
  if (!box || box.length <= Math.max(BOX_OVERHEAD, SECRETBOX_OVERHEAD)) {
    throw invalid('content', 'must be a NaCl box (standard base64) when payload.nonce is set');
  }
  if (!sender.publicKey) {
    throw invalid('payload.nonce', 'set your public key first (PUT /api/v1/auth/keys)');
  }
  const enc = chatEncryption(chatType, members, sender);
  if (!enc) {
    throw invalid(
      'payload.nonce',
      chatType === 'private'
        ? 'the other member has no public key'
        : 'every member of the group needs a public key',
    );
  }
  if (enc.kind === 'direct') {
    return {
      ...withoutStamps(payload),
      nonce,
      sender_public_key: enc.sender,
      recipient_public_key: enc.recipient,
    };
  }
  return {
    ...withoutStamps(payload),
    nonce,
    keys: checkedKeyBoxes(payload.keys, enc, sender.id),
    sender_public_key: enc.sender,
  };
}

/**
 * The payload a message is stored with: a box (payload.nonce) checked and stamped; plaintext
 * with the platform's stamps removed.
 */
export function storedPayload(
  chatType: ChatType,
  members: Recipient[],
  sender: Person,
  content: string,
  payload: MessagePayload,
): MessagePayload {
  if (payload.nonce !== undefined) {
    return boxPayload(chatType, members, sender, content, payload);
  }
  return withoutStamps(payload);
}
