// What the OpenAPI document cannot say and the fuzzer needs: which row a valid id names
// (the document types an id as a string), which of those rows belong to someone else, the
// few values a schema admits but the server must also find real (a PNG, a key, a login),
// and the operations left out of the run, each with its reason. Everything else the fuzzer
// knows about an operation is read off the document (catalogue.ts).
import type { TestBot, TestUser } from '../support/fixtures';
import type { Value } from './arbitraries';

/** What the fuzz platform holds before the first request (see harness.ts buildContext). */
export interface Ctx {
  user: TestUser; // owns `bot`, member of `chatId` and `groupId`
  bot: TestBot; // member of `chatId` and `groupId`
  peer: TestUser; // the third member of `groupId`
  outsider: TestUser; // member of nothing of the above; owns `outsiderBot`
  outsiderBot: TestBot;
  chatId: string; // user ↔ bot
  groupId: string; // user, peer, bot
  leaveGroupId: string; // user's group with bot, for leave
  removeGroupId: string; // user's group with bot, for removing the bot
  acceptInvitationId: string; // outsider's invitation of user, for accept
  declineInvitationId: string; // outsider's invitation of user, for decline
  outsiderChatId: string; // outsider ↔ outsiderBot
  outsiderMsgId: string; // the outsider's text in outsiderChatId
  userMsgId: string; // the user's text in chatId
  userDeleteMsgId: string; // the user's text in chatId, for DELETE
  copyMsgId: string; // the user's text in chatId that nothing edits, for copy and forward
  botButtonsMsgId: string; // the bot's message with a "yes" button in chatId (taps)
  webAppMsgId: string; // the bot's message with a web_app button in chatId (opening it)
  botTextMsgId: string; // the bot's text in chatId (edits, markup, pins, reactions)
  botDeleteMsgId: string; // the bot's text in chatId, for delete-message
  gatewayDeleteMsgId: string; // the bot's text in chatId, for deleteMessage
  pollMsgId: string; // the bot's poll in chatId (one answer)
  mediaId: string; // the bot's photo in chatId
  callbackId: string; // the user's tap on botButtonsMsgId, unanswered
  gatewayCallbackId: string; // another tap of the user's, for answerCallbackQuery
  victimBotId: string; // a bot of user's, for rotate-key, keys and delete
  /** Credentials that must be refused with 401. */
  badJwts: string[];
  badBotTokens: string[];
}

/** A 1×1 PNG. */
export const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** A NaCl box public key (32 bytes). */
const PUBLIC_KEY_B64 = Buffer.alloc(32, 7).toString('base64');

type From = (c: Ctx) => Value;

/** A valid value by parameter or field name, for every operation that has one so named. */
const BY_NAME: Record<string, From> = {
  chat_id: (c) => c.chatId,
  from_chat_id: (c) => c.chatId,
  message_id: (c) => c.botTextMsgId,
  reply_to_message_id: (c) => c.userMsgId,
  before: (c) => c.userMsgId,
  callback_id: (c) => c.callbackId,
  callback_query_id: (c) => c.callbackId,
  media_id: (c) => c.mediaId,
  file_id: (c) => c.mediaId,
  bot_id: (c) => c.bot.id,
  user_id: (c) => c.peer.id,
  member_ids: (c) => [c.peer.id],
  bot_ids: (c) => [c.bot.id],
  username: (c) => c.bot.username,
  token: (c) => c.bot.apiKey,
  photo: () => PNG_B64,
  avatar: () => PNG_B64,
  mime: () => 'image/png',
  w: () => 1,
  h: () => 1,
  media: () => ({ data: PNG_B64, mime: 'image/png', w: 1, h: 1 }),
  document: () => 'aGVsbG8=',
  file_name: () => 'a.txt',
  public_key: () => PUBLIC_KEY_B64,
  url: () => 'https://example.com/hook',
  callback_data: () => 'yes',
  emoji: () => '👍',
  reply_markup: () => ({ inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] }),
  option_ids: () => [0],
  timeout: () => 0,
};

const document = { mime: () => 'text/plain', size: () => 5 };

/** Where one operation needs another row than the name's usual one (often one it spends). */
const BY_OPERATION: Record<string, Record<string, From>> = {
  'POST /api/v1/auth/login': {
    username: (c) => c.user.username,
    password: (c) => c.user.password,
  },
  'POST /api/v1/auth/register': { username: () => 'fuzz_newcomer' },
  'POST /api/v1/bot/register': { username: () => 'fuzz_made_bot' },
  'GET /api/v1/chats/{chat_id}': { chat_id: (c) => c.groupId },
  'POST /api/v1/chats/{chat_id}/members': { chat_id: (c) => c.groupId },
  'POST /api/v1/chats/{chat_id}/leave': { chat_id: (c) => c.leaveGroupId },
  'DELETE /api/v1/chats/{chat_id}/members/{user_id}': {
    chat_id: (c) => c.removeGroupId,
    user_id: (c) => c.bot.userId,
  },
  'POST /api/v1/invitations/{invitation_id}/accept': { invitation_id: (c) => c.acceptInvitationId },
  'POST /api/v1/invitations/{invitation_id}/decline': {
    invitation_id: (c) => c.declineInvitationId,
  },
  'PATCH /api/v1/chats/{chat_id}/messages/{message_id}': { message_id: (c) => c.userMsgId },
  'DELETE /api/v1/chats/{chat_id}/messages/{message_id}': { message_id: (c) => c.userDeleteMsgId },
  'POST /api/v1/chats/{chat_id}/messages/{message_id}/callback': {
    message_id: (c) => c.botButtonsMsgId,
  },
  'POST /api/v1/chats/{chat_id}/polls/{message_id}/votes': { message_id: (c) => c.pollMsgId },
  'POST /api/v1/chats/{chat_id}/webapp': { message_id: (c) => c.webAppMsgId },
  'POST /api/v1/bot/{bot_id}/rotate-key': { bot_id: (c) => c.victimBotId },
  'PUT /api/v1/bot/keys/{bot_id}': { bot_id: (c) => c.victimBotId },
  'DELETE /api/v1/bot/delete/{bot_id}': { bot_id: (c) => c.victimBotId },
  'PUT /api/v1/bot/webapp': { url: () => 'https://example.com/app' },
  'POST /api/v1/bot/send-document': document,
  'POST /gateway/bot{token}/sendDocument': document,
  'POST /api/v1/bot/delete-message': { message_id: (c) => c.botDeleteMsgId },
  'POST /gateway/bot{token}/deleteMessage': { message_id: (c) => c.gatewayDeleteMsgId },
  'POST /gateway/bot{token}/answerCallbackQuery': { callback_query_id: (c) => c.gatewayCallbackId },
  'POST /gateway/bot{token}/copyMessage': { message_id: (c) => c.copyMsgId },
  'POST /gateway/bot{token}/forwardMessage': { message_id: (c) => c.copyMsgId },
  'POST /gateway/bot{token}/getChatMember': {
    chat_id: (c) => c.groupId,
    user_id: (c) => c.user.id,
  },
  'POST /gateway/bot{token}/getChatMemberCount': { chat_id: (c) => c.groupId },
  'POST /gateway/bot{token}/leaveChat': { chat_id: (c) => c.leaveGroupId },
};

/** Optional fields a valid input leaves out: no value can be made up for them. */
const LEFT_OUT = new Set([
  'cursor', // only a previous answer's next_cursor is one
  'inline_message_id', // inline messages are not supported
  'reply_to_message_id', // on the Telegram form an id the fuzzer does not map (damage still hits it)
  'reply_parameters',
]);
const LEFT_OUT_BY_OPERATION: Record<string, string[]> = {
  // an edit's payload is an encrypted box (nonce and all)
  'PATCH /api/v1/chats/{chat_id}/messages/{message_id}': ['payload'],
};

export const leftOut = (key: string, name: string): boolean =>
  LEFT_OUT.has(name) || (LEFT_OUT_BY_OPERATION[key]?.includes(name) ?? false);

/** Operations no made-up input can succeed on, and why (the acceptance test skips them). */
export const NEVER_ACCEPTED: Record<string, string> = {
  'POST /api/v1/chats/{chat_id}/webapp-data':
    "init_data must be signed with the bot's key for an opening of its mini app (test/miniapps/send-data.test.ts)",
};

/** The valid value of `name` in operation `key`, if the document's type is not enough. */
export function knownValue(key: string, name: string, c: Ctx): Value | undefined {
  const from = BY_OPERATION[key]?.[name] ?? BY_NAME[name];
  return from?.(c);
}

/** A path parameter's valid value; a new parameter without one here is named. */
export function knownParam(key: string, name: string, c: Ctx): string {
  const v = knownValue(key, name, c);
  if (typeof v !== 'string') {
    throw new Error(`test/fuzz/resources.ts: no valid value for {${name}} of ${key}`);
  }
  return v;
}

/**
 * Rows of someone else's under the names that point at rows of the caller's: with a valid
 * credential, a request that names one must be refused, whatever else it holds.
 */
const FOREIGN: Record<string, (c: Ctx) => string> = {
  chat_id: (c) => c.outsiderChatId,
  from_chat_id: (c) => c.outsiderChatId,
  message_id: (c) => c.outsiderMsgId,
};

/** Where a foreign row is no one's business: the id only filters, and names nothing. */
const FOREIGN_HARMLESS: Record<string, string[]> = {
  // "unpin only if that message is the pinned one": any other id unpins nothing, says nothing
  'POST /api/v1/bot/unpin-message': ['message_id'],
  'POST /gateway/bot{token}/unpinChatMessage': ['message_id'],
};

/** The field only filters (FOREIGN_HARMLESS): whose row it names is no one's business. */
export const onlyFilters = (key: string, name: string): boolean =>
  FOREIGN_HARMLESS[key]?.includes(name) ?? false;

export const foreignValue = (key: string, name: string, c: Ctx): string | undefined =>
  onlyFilters(key, name) ? undefined : FOREIGN[name]?.(c);

/**
 * Names whose valid value is a row only its members or owner may touch: another person's (or
 * bot's) credential with these must be refused.
 */
export const PRIVATE = new Set([
  'chat_id',
  'message_id',
  'media_id',
  'file_id',
  'callback_id',
  'callback_query_id',
  'invitation_id',
]);

/** Documented operations the fuzzer leaves out, and why (each is covered elsewhere). */
export const EXCLUDED: Record<string, string> = {
  'POST /api/v1/auth/logout':
    "its valid call ends the fuzz user's session for every operation after it (test/accounts/tokens.test.ts)",
  'POST /api/v1/auth/logout-all':
    "its valid call ends the fuzz user's sessions for every operation after it (test/accounts/tokens.test.ts)",
};
