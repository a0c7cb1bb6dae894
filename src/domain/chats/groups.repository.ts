// Group membership changes, each run inside a transaction that first locks what it counts
// (the creator for the groups-per-day cap, the chat row for the members cap), so concurrent
// requests cannot both slip under a cap.
import type { Queryable } from '../../infra/db/statement';
import { newTgId } from '../users/tg-id';
import { statement } from '../../infra/db/statement';
import type { ChatType } from '../messages/message';

export interface LockedChat {
  type: ChatType;
  created_by_id: string;
}

export interface PersonRow {
  id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
  /** int8 arrives from pg as a string. */
  tg_id: string;
  /** A bot identity whose bot is active: it may be added without asking. */
  active_bot: boolean;
}

const lockCreator = statement<{ user_id: string }, { locked: string }>(
  'groups-lock-creator',
  `SELECT pg_advisory_xact_lock(hashtextextended('group-creator:' || :user_id, 0))::text AS locked`,
);

const recentGroups = statement<{ user_id: string }, { n: number; oldest: Date | null }>(
  'groups-recent',
  `
SELECT count(*)::int AS n, min(created_at) AS oldest FROM chats
 WHERE created_by_id = :user_id::uuid AND type = 'group' AND created_at > now() - interval '1 day'`,
);

// A group's id on the Telegram form is negative, as Telegram's are.
const insertGroup = statement<{ id: string; title: string; user_id: string; tg_id: string }>(
  'groups-insert',
  `INSERT INTO chats (id, type, title, created_by_id, tg_id)
   VALUES (:id::uuid, 'group', :title, :user_id::uuid, :tg_id::bigint)`,
);

const insertMembers = statement<{ chat_id: string; user_ids: string[] }>(
  'groups-insert-members',
  `
INSERT INTO chat_members (chat_id, user_id)
SELECT :chat_id::uuid, u FROM unnest(:user_ids::uuid[]) AS u
    ON CONFLICT DO NOTHING`,
);

// A declined invitation stays declined: the same group does not get to ask again.
const insertInvitations = statement<{ chat_id: string; inviter_id: string; user_ids: string[] }>(
  'groups-insert-invitations',
  `
INSERT INTO chat_invitations (id, chat_id, invitee_id, inviter_id)
SELECT gen_random_uuid(), :chat_id::uuid, u, :inviter_id::uuid FROM unnest(:user_ids::uuid[]) AS u
    ON CONFLICT (chat_id, invitee_id) DO NOTHING`,
);

const lockChat = statement<{ chat_id: string }, LockedChat>(
  'groups-lock-chat',
  `SELECT type::text AS type, created_by_id FROM chats WHERE id = :chat_id::uuid FOR UPDATE`,
);

const isMember = statement<{ chat_id: string; user_id: string }, { one: number }>(
  'groups-is-member',
  `SELECT 1 AS one FROM chat_members WHERE chat_id = :chat_id::uuid AND user_id = :user_id::uuid`,
);

/** Members plus pending invitations: what the members cap bounds. */
const seats = statement<{ chat_id: string }, { n: number }>(
  'groups-seats',
  `
SELECT ((SELECT count(*) FROM chat_members WHERE chat_id = :chat_id::uuid)
      + (SELECT count(*) FROM chat_invitations
          WHERE chat_id = :chat_id::uuid AND declined_at IS NULL))::int AS n`,
);

const people = statement<{ ids: string[] }, PersonRow>(
  'groups-people',
  `
SELECT u.id, u.username, u.display_name, u.is_bot, u.tg_id,
       EXISTS (SELECT 1 FROM bots b WHERE b.user_id = u.id AND b.is_active) AS active_bot
  FROM users u WHERE u.id = ANY(:ids::uuid[])`,
);

const botUsers = statement<{ bot_ids: string[] }, { user_id: string }>(
  'groups-bot-users',
  `SELECT user_id FROM bots WHERE id = ANY(:bot_ids::uuid[]) AND is_active`,
);

const removeMember = statement<{ chat_id: string; user_id: string }, { user_id: string }>(
  'groups-remove-member',
  `
DELETE FROM chat_members WHERE chat_id = :chat_id::uuid AND user_id = :user_id::uuid
RETURNING user_id`,
);

const dropInvitation = statement<{ chat_id: string; user_id: string }>(
  'groups-drop-invitation',
  `DELETE FROM chat_invitations WHERE chat_id = :chat_id::uuid AND invitee_id = :user_id::uuid`,
);

// Leaving is "do not ask me again": kept as a declined invitation.
const declineFutureInvitations = statement<{ chat_id: string; user_id: string }>(
  'groups-decline-future',
  `
INSERT INTO chat_invitations (id, chat_id, invitee_id, inviter_id, declined_at)
VALUES (gen_random_uuid(), :chat_id::uuid, :user_id::uuid, :user_id::uuid, now())
    ON CONFLICT (chat_id, invitee_id) DO UPDATE SET declined_at = now()`,
);

const invitedChat = statement<{ id: string; user_id: string }, { chat_id: string }>(
  'groups-invited-chat',
  `
SELECT chat_id FROM chat_invitations
 WHERE id = :id::uuid AND invitee_id = :user_id::uuid AND declined_at IS NULL`,
);

const takeInvitation = statement<{ id: string; user_id: string }, { chat_id: string }>(
  'groups-take-invitation',
  `
DELETE FROM chat_invitations
 WHERE id = :id::uuid AND invitee_id = :user_id::uuid AND declined_at IS NULL
RETURNING chat_id`,
);

export const groupsSql = {
  lockCreator: (db: Queryable, userId: string) => lockCreator.run(db, { user_id: userId }),
  recentGroups: async (db: Queryable, userId: string) =>
    (await recentGroups.first(db, { user_id: userId }))!,
  insertGroup: (db: Queryable, id: string, title: string, userId: string) =>
    insertGroup.run(db, { id, title, user_id: userId, tg_id: String(-newTgId()) }),
  insertMembers: (db: Queryable, chatId: string, userIds: string[]) =>
    insertMembers.run(db, { chat_id: chatId, user_ids: userIds }),
  insertInvitations: (db: Queryable, chatId: string, inviterId: string, userIds: string[]) =>
    insertInvitations.run(db, { chat_id: chatId, inviter_id: inviterId, user_ids: userIds }),
  lockChat: (db: Queryable, chatId: string) => lockChat.first(db, { chat_id: chatId }),
  isMember: async (db: Queryable, chatId: string, userId: string) =>
    (await isMember.first(db, { chat_id: chatId, user_id: userId })) !== undefined,
  seats: async (db: Queryable, chatId: string) => (await seats.first(db, { chat_id: chatId }))!.n,
  people: (db: Queryable, ids: string[]) => people.run(db, { ids }),
  botUsers: async (db: Queryable, botIds: string[]) =>
    (await botUsers.run(db, { bot_ids: botIds })).map((r) => r.user_id),
  removeMember: async (db: Queryable, chatId: string, userId: string) =>
    (await removeMember.first(db, { chat_id: chatId, user_id: userId })) !== undefined,
  dropInvitation: (db: Queryable, chatId: string, userId: string) =>
    dropInvitation.run(db, { chat_id: chatId, user_id: userId }),
  invitedChat: async (db: Queryable, id: string, userId: string) =>
    (await invitedChat.first(db, { id, user_id: userId }))?.chat_id,
  takeInvitation: async (db: Queryable, id: string, userId: string) =>
    (await takeInvitation.first(db, { id, user_id: userId })) !== undefined,
  declineFutureInvitations: (db: Queryable, chatId: string, userId: string) =>
    declineFutureInvitations.run(db, { chat_id: chatId, user_id: userId }),
};
