// Opening boxes for a bot that holds its secret key in memory: the platform's edge for a
// managed bot (bot-boxes.service.ts) and the self-hosted gateway for a self-custody one
// (src/selfhosted) read updates and messages through these same functions. Pure: no store.
import { openBytes, openGroupText, openText, SECRETBOX_OVERHEAD } from '../crypto/e2e-box';
import { botCommand } from '../messages/bot-command';
import type { MessageRecord } from '../messages/message';
import type { Update } from '../updates/update';
import type { StoredBody } from '../updates/update-row';
import { isEncrypted, keyBoxesOf, withoutStamps } from './envelope';
import { parseEnvelope } from './media-envelope';
import { parsePollEnvelope } from './poll-envelope';

/** The bot that reads: its user id (its entry in a group's keys) and username (commands). */
export interface BoxReader {
  userId: string;
  username: string;
}

/** The message as its reader sees it once opened: the text, and `encrypted: true`. */
export function openedView(m: MessageRecord, text: string): MessageRecord {
  const { nonce: _nonce, ...rest } = withoutStamps(m.payload);
  return { ...m, content: text, payload: { ...rest, encrypted: true } };
}

/** An update whose message (or quoted message) is a box. */
export function carriesBox(u: Update): boolean {
  if (u.kind !== 'message' && u.kind !== 'edited_message' && u.kind !== 'callback') return false;
  return isEncrypted(u.message) || (!!u.message.replyTo && isEncrypted(u.message.replyTo));
}

/** carriesBox for an update as stored (update-row.ts), before it is made a record. */
export function storedCarriesBox(s: StoredBody): boolean {
  // message, edited_message and callback store a message; the other kinds none.
  const m = s.message;
  return (
    !!m && (typeof m.payload?.nonce === 'string' || typeof m.replyTo?.payload?.nonce === 'string')
  );
}

/** An update as the reader sees it: its boxes opened (those that do not open stay boxes). */
export function revealUpdate(u: Update, reader: BoxReader, secret: Uint8Array): Update {
  switch (u.kind) {
    case 'message':
    case 'edited_message': {
      const message = openFor(u.message, reader.userId, secret);
      // The command was not parsed from the box when stored: it is parsed from the text now.
      const command =
        message === u.message || !isEncrypted(u.message)
          ? u.command
          : botCommand(message.content, reader.username);
      return { ...u, message, command, inlineMedia: inlineOpened(u, reader.userId, secret) };
    }
    case 'callback':
      return { ...u, message: openFor(u.message, reader.userId, secret) };
    default:
      return u;
  }
}

/**
 * A box the bot can open: in a direct chat the peer is the recipient of the bot's own
 * messages and the sender of anyone else's; in a group, the bot's entry in `payload.keys`
 * (boxed by the sender) opens the message key. One that does not open stays as stored (nonce
 * and keys included), so the bot can tell it from text.
 */
export function openFor(m: MessageRecord, botUserId: string, secret: Uint8Array): MessageRecord {
  const replyTo = m.replyTo ? openFor(m.replyTo, botUserId, secret) : m.replyTo;
  const withQuote = replyTo === m.replyTo ? m : { ...m, replyTo };
  if (!isEncrypted(m)) return withQuote;
  const text = openedText(m, botUserId, secret);
  if (text === null) return withQuote;
  // A sealed poll carries its question and options inside the box.
  const poll = m.poll && parsePollEnvelope(text, m.poll);
  if (poll && m.poll)
    return openedView({ ...withQuote, poll: { ...m.poll, ...poll } }, poll.question);
  // A message with sealed media carries the caption inside its envelope.
  const env = m.media ? parseEnvelope(text) : null;
  if (!env || !m.media) return openedView(withQuote, text);
  const media = { ...m.media, size: Math.max(0, m.media.size - SECRETBOX_OVERHEAD) };
  return openedView({ ...withQuote, media }, env.text);
}

/** What a box the bot can open holds (the text, or a media envelope), or null. */
export function openedText(
  m: Pick<MessageRecord, 'content' | 'payload'> & { sender: { id: string } },
  botUserId: string,
  secret: Uint8Array,
): string | null {
  const sealed = { box: m.content, nonce: m.payload.nonce as string };
  const keys = keyBoxesOf(m.payload);
  if (keys) {
    // A group message: the message key boxed for this bot, from the sender.
    const entry = keys[botUserId];
    const sender = m.payload.sender_public_key;
    if (!entry || typeof sender !== 'string') return null;
    return openGroupText(sealed, entry, sender, secret);
  }
  const peer =
    m.sender.id === botUserId ? m.payload.recipient_public_key : m.payload.sender_public_key;
  if (typeof peer !== 'string') return null;
  return openText(sealed, peer, secret);
}

/** Sealed file bytes opened with the key in their message's box, or null. */
export function openedFile(
  m: Pick<MessageRecord, 'content' | 'payload'> & { sender: { id: string } },
  data: Uint8Array,
  botUserId: string,
  secret: Uint8Array,
): Buffer | null {
  const raw = openedText(m, botUserId, secret);
  const env = raw === null ? null : parseEnvelope(raw);
  return env && openBytes(data, env.media_key, env.media_nonce);
}

/** An update's inline bytes opened when they are sealed; dropped when they do not open. */
function inlineOpened(
  u: Extract<Update, { kind: 'message' | 'edited_message' }>,
  botUserId: string,
  secret: Uint8Array,
): string | null {
  if (u.inlineMedia === null || !isEncrypted(u.message)) return u.inlineMedia;
  const bytes = openedFile(u.message, Buffer.from(u.inlineMedia, 'base64'), botUserId, secret);
  return bytes ? bytes.toString('base64') : null;
}
