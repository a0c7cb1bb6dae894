// A message as the messenger shows it (also the `message` of the Quanta API's answers),
// with its attachment, poll results and reactions.
import type { MediaMeta } from '../../domain/media/media-meta';
import type { MessageRecord } from '../../domain/messages/message';
import type { PollRecord } from '../../domain/polls/poll';
import type { ReactionRecord } from '../../domain/reactions/reaction';

export const userMediaUrl = (id: string) => `/api/v1/media/${id}`;
export const botMediaUrl = (id: string) => `/api/v1/bot/media/${id}`;

export interface MediaView {
  id: string;
  kind: 'photo' | 'document';
  mime: string;
  size: number;
  sha256: string;
  file_name?: string;
  w?: number;
  h?: number;
  /** Path to GET the bytes (messenger: JWT; bot: X-Bot-Token). */
  url: string;
  /** Base64 bytes, in a bot's `message` update when small (see INLINE_MEDIA_MAX_BYTES). */
  data?: string;
}

export function toMediaView(m: MediaMeta, url: string, inline?: string | null): MediaView {
  return {
    id: m.id,
    kind: m.kind,
    mime: m.mime,
    size: m.size,
    sha256: m.sha256,
    ...(m.fileName !== null && { file_name: m.fileName }),
    ...(m.width !== null && { w: m.width }),
    ...(m.height !== null && { h: m.height }),
    url,
    ...(inline && { data: inline }),
  };
}

export interface PollOptionView {
  /** The option's index: what `option_ids` name. */
  id: number;
  text: string;
  voter_count: number;
  /** Non-anonymous polls only. */
  voter_ids?: string[];
}

export interface PollView {
  id: string;
  message_id: string;
  question: string;
  options: PollOptionView[];
  /** People who voted (a multiple-answer vote counts once here, once per option above). */
  total_voter_count: number;
  is_anonymous: boolean;
  allows_multiple_answers: boolean;
}

/** Results as every member sees them; anonymous polls show counts only. */
export function toPollView(p: PollRecord): PollView {
  const options = p.options.map((text, id): PollOptionView => {
    const voters = p.votes.filter((v) => v.optionIds.includes(id)).map((v) => v.userId);
    return {
      id,
      text,
      voter_count: voters.length,
      ...(!p.isAnonymous && { voter_ids: voters }),
    };
  });
  return {
    id: p.id,
    message_id: p.messageId,
    question: p.question,
    options,
    total_voter_count: p.votes.filter((v) => v.optionIds.length > 0).length,
    is_anonymous: p.isAnonymous,
    allows_multiple_answers: p.allowsMultipleAnswers,
  };
}

export interface ReactionSummary {
  emoji: string;
  count: number;
  /** Who put it (people and bots); chats are small enough to list them. */
  user_ids: string[];
}

/** One entry per emoji, in order of first use (`rows` oldest first). */
export function summarizeReactions(rows: ReactionRecord[]): ReactionSummary[] {
  const byEmoji = new Map<string, ReactionSummary>();
  for (const r of rows) {
    const s = byEmoji.get(r.emoji) ?? { emoji: r.emoji, count: 0, user_ids: [] };
    s.count++;
    s.user_ids.push(r.userId);
    byEmoji.set(r.emoji, s);
  }
  return [...byEmoji.values()];
}

export interface MessengerMessage {
  id: string;
  chat_id: string;
  sender: { id: string; username: string; is_bot: boolean; public_key: string | null };
  content: string;
  payload: unknown;
  created_at: string;
  edited_at?: string;
  reply_to_message_id?: string;
  forward_from?: string;
  media?: MediaView;
  poll?: PollView;
  reactions?: ReactionSummary[];
}

export function toMessengerMessage(m: MessageRecord): MessengerMessage {
  return {
    id: m.id,
    chat_id: m.chatId,
    sender: {
      id: m.sender.id,
      username: m.sender.username,
      is_bot: m.sender.isBot,
      public_key: m.sender.publicKey ?? null,
    },
    content: m.content,
    payload: m.payload,
    created_at: m.createdAt.toISOString(),
    ...(m.editedAt && { edited_at: m.editedAt.toISOString() }),
    ...(m.replyToId && { reply_to_message_id: m.replyToId }),
    ...(m.forwardFrom && { forward_from: m.forwardFrom }),
    ...(m.media && { media: toMediaView(m.media, userMediaUrl(m.media.id)) }),
    ...(m.poll && { poll: toPollView(m.poll) }),
    ...(m.reactions.length > 0 && { reactions: summarizeReactions(m.reactions) }),
  };
}
