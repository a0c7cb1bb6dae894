// What an encrypted message looks like in the store, and the rule for when a chat is
// encrypted. The relay keeps the box and the nonce exactly as the sender made them, and
// stamps both ends' public keys so either end (or a managed bot's edge) can open it later
// even after someone changes keys.
import type { Recipient } from '../chats/chats.service';
import { BOX_OVERHEAD, decodeBase64, NONCE_BYTES } from '../crypto/e2e-box';
import { invalid } from '../errors';
import type { ChatType, MessagePayload, MessageRecord, Person } from '../messages/message';

/** Payload keys only the platform writes: a sender cannot make plaintext look encrypted. */
const STAMPED = ['encrypted', 'sender_public_key', 'recipient_public_key'] as const;

/** A stored message is a box when its payload carries the nonce. */
export const isEncrypted = (m: Pick<MessageRecord, 'payload'>): boolean =>
  typeof m.payload.nonce === 'string';

/** The other end of a direct chat. */
export const peerOf = (members: Recipient[], senderId: string): Recipient | undefined =>
  members.find((m) => m.userId !== senderId);

/**
 * A direct chat is encrypted when both ends have a public key (every bot registered since
 * end-to-end encryption has one); groups are not encrypted yet.
 */
export function encryptionKeys(
  chatType: ChatType,
  members: Recipient[],
  sender: Person,
): { sender: string; recipient: string } | null {
  if (chatType !== 'private') return null;
  const peer = peerOf(members, sender.id);
  if (!sender.publicKey || !peer?.publicKey) return null;
  return { sender: sender.publicKey, recipient: peer.publicKey };
}

export function withoutStamps(payload: MessagePayload): MessagePayload {
  const out = { ...payload };
  for (const k of STAMPED) delete out[k];
  return out;
}

/** The payload of a box made by its sender: checked, nonce kept, both keys stamped. */
export function boxPayload(
  chatType: ChatType,
  members: Recipient[],
  sender: Person,
  content: string,
  payload: MessagePayload,
): MessagePayload {
  const nonce = payload.nonce;
  if (typeof nonce !== 'string' || decodeBase64(nonce)?.length !== NONCE_BYTES) {
    throw invalid('payload.nonce', `must be ${NONCE_BYTES} bytes, standard base64`);
  }
  const box = decodeBase64(content);
  if (!box || box.length <= BOX_OVERHEAD) {
    throw invalid('content', 'must be a NaCl box (standard base64) when payload.nonce is set');
  }
  if (chatType !== 'private') {
    throw invalid('payload.nonce', 'encrypted messages are for direct chats');
  }
  if (!sender.publicKey) {
    throw invalid('payload.nonce', 'set your public key first (PUT /api/v1/auth/keys)');
  }
  const keys = encryptionKeys(chatType, members, sender);
  if (!keys) throw invalid('payload.nonce', 'the other member has no public key');
  return {
    ...withoutStamps(payload),
    nonce,
    sender_public_key: keys.sender,
    recipient_public_key: keys.recipient,
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
