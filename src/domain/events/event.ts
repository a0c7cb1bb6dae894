// What a person's messenger is told on their event feed, by kind. Stored as JSON (`type` =
// kind, `payload` = the rest) and shaped by http/messenger at read time.
import type { MessageRecord, Person } from '../messages/message';
import type { PollRecord } from '../polls/poll';
import type { ReactionRecord } from '../reactions/reaction';

export type UserEvent =
  | { kind: 'message.new' | 'message.edited'; message: MessageRecord }
  | { kind: 'message.deleted'; chatId: string; messageId: string; at: Date; unpinned: boolean }
  | {
      kind: 'message.reaction';
      chatId: string;
      messageId: string;
      actor: Person;
      old: string[];
      new: string[];
      reactions: ReactionRecord[];
    }
  | { kind: 'message.pinned'; chatId: string; message: MessageRecord }
  | { kind: 'message.unpinned'; chatId: string; messageId: string }
  | { kind: 'poll.updated'; chatId: string; messageId: string; poll: PollRecord }
  | {
      kind: 'callback.answered';
      callbackId: string;
      chatId: string;
      messageId: string;
      text: string | null;
      showAlert: boolean;
    }
  /** A member left a group (the leaver hears it too). */
  | { kind: 'chat.member_left'; chatId: string; member: Person }
  /** The group's creator removed a member (the removed member hears it too). */
  | { kind: 'chat.member_removed'; chatId: string; member: Person; by: Person }
  | {
      kind: 'chat.action';
      chatId: string;
      actor: Person;
      action: string;
      expiresAt: Date;
    };

export type UserEventKind = UserEvent['kind'];

/** An event as read back from a person's feed. */
export type FeedEvent = UserEvent & { seq: string; createdAt: Date };
