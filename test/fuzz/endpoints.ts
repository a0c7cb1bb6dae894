// Every route of the three APIs, with what the fuzzer needs to aim at it: the auth it takes,
// where its input goes (JSON body or query string), the kind of each field, and a valid input
// built from the fuzz context, so damaged inputs get past authentication and into deep
// validation. `accepts` says why a 2xx may legitimately come back (absent: it must not).
// catalogue.test.ts checks this list against the routes registered on the Express routers
// and the gateway's method table, so a new route without an entry here fails the suite.
import type { Express } from 'express';
import type { Fields, Input } from './arbitraries';
import type { TestBot, TestUser } from '../support/fixtures';

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
  userMsgId: string; // the user's text in chatId
  userDeleteMsgId: string; // the user's text in chatId, for DELETE
  botButtonsMsgId: string; // the bot's message with a "yes" button in chatId (taps)
  webAppMsgId: string; // the bot's message with a web_app button in chatId (opening it)
  botTextMsgId: string; // the bot's text in chatId (edits, markup, pins, reactions)
  botDeleteMsgId: string; // the bot's text in chatId, for delete-message / deleteMessage
  pollMsgId: string; // the bot's poll in chatId (one answer)
  mediaId: string; // the bot's photo in chatId
  callbackId: string; // the user's tap on botButtonsMsgId, unanswered
  victimBotId: string; // a bot of user's, for DELETE /bot/delete/:bot_id
  /** Credentials that must be refused with 401. */
  badJwts: string[];
  badBotTokens: string[];
}

/** A 1×1 PNG. */
export const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** A NaCl box public key (32 bytes). */
const PUBLIC_KEY_B64 = Buffer.alloc(32, 7).toString('base64');

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestEndpoint {
  dialect: 'messenger' | 'quanta';
  method: HttpMethod;
  /** The Express pattern, `:name` for path parameters. */
  path: string;
  /** `user`: a JWT (messenger users, bot owners); `bot`: X-Bot-Token. */
  auth: 'none' | 'user' | 'bot';
  /** Where the fields go. */
  input: 'body' | 'query' | 'none';
  fields: Fields;
  /** Valid inputs (one is damaged per run). */
  bases: (c: Ctx) => Input[];
  /** A valid value for each path parameter. */
  params?: Record<string, (c: Ctx) => string>;
  /** Why a 2xx can come back for a generated request; absent: every request must be a 4xx. */
  accepts?: string;
  /** A long poll: the harness never lets it wait (timeout forced to 0 when it would). */
  longPoll?: boolean;
  /** No input can be wrong (every value parses or defaults): fuzz the credential harder. */
  lenient?: boolean;
  /** Which fuzz file runs it (keeps each file's run time similar). */
  group: 'messenger' | 'quanta-bots' | 'quanta-actions';
}

export interface GatewayMethod {
  name: string;
  fields: Fields;
  bases: (c: Ctx) => Input[];
  accepts?: string;
  longPoll?: boolean;
}

const FREE_TEXT = 'free-text fields accept SQL-, script- and unicode-looking strings verbatim';
const NO_INPUT = 'takes no input: only the credential, the path or the transport can be wrong';
const CLAMPED = 'limit/timeout/offset are clamped, so negative and huge integers are valid';

// ── messenger ─────────────────────────────────────────────────────────────────────────

const messenger: RestEndpoint[] = [
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/auth/register',
    auth: 'none',
    input: 'body',
    fields: {
      username: { kind: 'username', required: true },
      password: { kind: 'password', required: true },
      display_name: { kind: 'text' },
    },
    bases: () => [
      { username: 'fuzz_newcomer', password: 'fuzz-newcomer-pw-1', display_name: 'Fuzz' },
    ],
    accepts: `display_name is free text (${FREE_TEXT}); the first such account is created, later ones are 409`,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/auth/login',
    auth: 'none',
    input: 'body',
    fields: {
      username: { kind: 'username', required: true },
      password: { kind: 'password', required: true },
    },
    bases: (c) => [{ username: c.user.username, password: c.user.password }],
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/auth/me',
    auth: 'user',
    input: 'query',
    fields: {},
    bases: () => [{}],
    accepts: NO_INPUT,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'PUT',
    path: '/api/v1/auth/keys',
    auth: 'user',
    input: 'body',
    fields: { public_key: { kind: 'base64', required: true } },
    bases: () => [{ public_key: PUBLIC_KEY_B64 }],
    accepts: 'any 32 bytes in base64 are a public key, and unknown keys are ignored beside one',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/chats',
    auth: 'user',
    input: 'body',
    fields: {
      bot_id: { kind: 'uuid' },
      type: { kind: 'token' },
      title: { kind: 'text' },
      member_ids: { kind: 'strings' },
      bot_ids: { kind: 'strings' },
    },
    bases: (c): Input[] => [
      { bot_id: c.bot.id },
      { type: 'group', title: 'Fuzz group', member_ids: [c.peer.id], bot_ids: [c.bot.id] },
    ],
    accepts: `a group's title is free text (${FREE_TEXT}); {bot_id} alongside damaged group fields still opens the private chat`,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/chats',
    auth: 'user',
    input: 'query',
    fields: { limit: { kind: 'int' }, cursor: { kind: 'token' } },
    bases: (): Input[] => [{}, { limit: '2' }],
    accepts: `${CLAMPED}; an absent cursor is the first page`,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/bots/by-username/:username',
    auth: 'user',
    input: 'query',
    fields: {},
    bases: () => [{}],
    params: { username: (c) => c.bot.username },
    accepts: NO_INPUT,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/chats/:chat_id',
    auth: 'user',
    input: 'query',
    fields: {},
    bases: () => [{}],
    params: { chat_id: (c) => c.groupId },
    accepts: NO_INPUT,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/chats/:chat_id/members',
    auth: 'user',
    input: 'body',
    fields: { bot_id: { kind: 'uuid' }, user_id: { kind: 'uuid' } },
    bases: (c): Input[] => [{ user_id: c.peer.id }, { bot_id: c.bot.id }],
    params: { chat_id: (c) => c.groupId },
    accepts:
      'bot_id and user_id are alternatives: damaging one key of {user_id, bot_id} leaves a valid one',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/chats/:chat_id/leave',
    auth: 'user',
    input: 'none',
    fields: {},
    bases: () => [{}],
    params: { chat_id: (c) => c.leaveGroupId },
    accepts: 'takes no body: the valid path leaves the group kept for it (once; then 403)',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'DELETE',
    path: '/api/v1/chats/:chat_id/members/:user_id',
    auth: 'user',
    input: 'none',
    fields: {},
    bases: () => [{}],
    params: { chat_id: (c) => c.removeGroupId, user_id: (c) => c.bot.userId },
    accepts: 'takes no body: the valid path removes the bot from the group kept for it (once)',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/invitations',
    auth: 'user',
    input: 'query',
    fields: { limit: { kind: 'int' }, cursor: { kind: 'token' } },
    bases: (): Input[] => [{}, { limit: '2' }],
    accepts: `${CLAMPED}; an absent cursor is the first page`,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/invitations/:invitation_id/accept',
    auth: 'user',
    input: 'none',
    fields: {},
    bases: () => [{}],
    params: { invitation_id: (c) => c.acceptInvitationId },
    accepts: 'takes no body: the valid path accepts the invitation kept for it (once; then 404)',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/invitations/:invitation_id/decline',
    auth: 'user',
    input: 'none',
    fields: {},
    bases: () => [{}],
    params: { invitation_id: (c) => c.declineInvitationId },
    accepts: 'takes no body: the valid path declines the invitation kept for it (once; then 404)',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/chats/:chat_id/messages',
    auth: 'user',
    input: 'query',
    fields: { limit: { kind: 'int' }, before: { kind: 'uuid' } },
    bases: (c) => [{ limit: '10', before: c.userMsgId }],
    params: { chat_id: (c) => c.chatId },
    accepts: CLAMPED,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/chats/:chat_id/messages',
    auth: 'user',
    input: 'body',
    fields: {
      content: { kind: 'text' },
      payload: { kind: 'payload' },
      reply_to_message_id: { kind: 'uuid' },
      media: { kind: 'payload' },
    },
    bases: (c): Input[] => [
      { content: 'hi', payload: { k: 'v' }, reply_to_message_id: c.userMsgId },
      { content: 'a photo', media: { data: PNG_B64, mime: 'image/png', w: 1, h: 1 } },
    ],
    params: { chat_id: (c) => c.chatId },
    accepts: FREE_TEXT,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'PATCH',
    path: '/api/v1/chats/:chat_id/messages/:message_id',
    auth: 'user',
    input: 'body',
    fields: { content: { kind: 'text', required: true } },
    bases: () => [{ content: 'edited' }],
    params: { chat_id: (c) => c.chatId, message_id: (c) => c.userMsgId },
    accepts: FREE_TEXT,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'DELETE',
    path: '/api/v1/chats/:chat_id/messages/:message_id',
    auth: 'user',
    input: 'none',
    fields: {},
    bases: () => [{}],
    params: { chat_id: (c) => c.chatId, message_id: (c) => c.userDeleteMsgId },
    accepts: 'takes no body: the valid path deletes the message kept for it (once; then 404)',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/chats/:chat_id/messages/:message_id/reactions',
    auth: 'user',
    input: 'body',
    fields: { emoji: { kind: 'emoji', required: true } },
    bases: () => [{ emoji: '👍' }],
    params: { chat_id: (c) => c.chatId, message_id: (c) => c.botTextMsgId },
    accepts: 'the unicode pool holds single emoji, which are valid reactions',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'DELETE',
    path: '/api/v1/chats/:chat_id/messages/:message_id/reactions',
    auth: 'user',
    input: 'body',
    fields: { emoji: { kind: 'emoji', required: true } },
    bases: () => [{ emoji: '👍' }],
    params: { chat_id: (c) => c.chatId, message_id: (c) => c.botTextMsgId },
    accepts: 'the unicode pool holds single emoji; removing an absent reaction is a no-op 200',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/chats/:chat_id/polls/:message_id/votes',
    auth: 'user',
    input: 'body',
    fields: { option_ids: { kind: 'ints', required: true } },
    bases: () => [{ option_ids: [0] }],
    params: { chat_id: (c) => c.chatId, message_id: (c) => c.pollMsgId },
    accepts: 'the number pools hold 0 and [] (a vote, a retraction)',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/media/:media_id',
    auth: 'user',
    input: 'query',
    fields: {},
    bases: () => [{}],
    params: { media_id: (c) => c.mediaId },
    accepts: NO_INPUT,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/chats/:chat_id/messages/:message_id/callback',
    auth: 'user',
    input: 'body',
    fields: { callback_data: { kind: 'token', required: true } },
    bases: () => [{ callback_data: 'yes' }],
    params: { chat_id: (c) => c.chatId, message_id: (c) => c.botButtonsMsgId },
    accepts: 'unknown keys are ignored: {callback_data: "yes", <junk>} is a valid tap',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'POST',
    path: '/api/v1/chats/:chat_id/webapp',
    auth: 'user',
    input: 'body',
    fields: { message_id: { kind: 'uuid' }, bot_id: { kind: 'uuid' } },
    bases: (c) => [{ message_id: c.webAppMsgId }],
    params: { chat_id: (c) => c.chatId },
    accepts: 'signs init data and stores nothing: every opening is a valid one',
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/callbacks/:callback_id',
    auth: 'user',
    input: 'query',
    fields: {},
    bases: () => [{}],
    params: { callback_id: (c) => c.callbackId },
    accepts: NO_INPUT,
  },
  {
    dialect: 'messenger',
    group: 'messenger',
    method: 'GET',
    path: '/api/v1/events',
    auth: 'user',
    input: 'query',
    fields: { after: { kind: 'int' }, timeout: { kind: 'int' } },
    bases: () => [{ after: '0', timeout: '0' }],
    accepts: CLAMPED,
    longPoll: true,
  },
];

// ── Quanta bot API ────────────────────────────────────────────────────────────────────

const ACTIONS =
  /^(send-photo|send-document|media|edit-|delete-message|forward|send-poll|pin|unpin|set-reaction|send-chat-action|chat)/;

const bot = (
  method: HttpMethod,
  name: string,
  rest: Omit<RestEndpoint, 'dialect' | 'method' | 'path' | 'auth' | 'group'> & {
    auth?: 'user' | 'none';
  },
): RestEndpoint => ({
  dialect: 'quanta',
  group: ACTIONS.test(name) ? 'quanta-actions' : 'quanta-bots',
  method,
  path: `/api/v1/bot/${name}`,
  auth: 'bot',
  ...rest,
});

const ref = {
  chat_id: { kind: 'uuid', required: true },
  message_id: { kind: 'uuid', required: true },
} as const;

const quanta: RestEndpoint[] = [
  bot('POST', 'register', {
    auth: 'user',
    input: 'body',
    fields: {
      name: { kind: 'text', required: true },
      username: { kind: 'username' },
      description: { kind: 'text' },
      avatar: { kind: 'base64' },
      commands: { kind: 'commands' },
      permissions: { kind: 'strings' },
    },
    bases: () => [
      {
        name: 'Fuzz Bot',
        description: 'made by the fuzzer',
        commands: [{ command: 'start', description: 'Start' }],
        permissions: ['read_messages', 'send_messages'],
      },
    ],
    accepts: `name and description are free text (${FREE_TEXT})`,
  }),
  bot('GET', 'my-bots', {
    auth: 'user',
    input: 'query',
    fields: { limit: { kind: 'int' }, cursor: { kind: 'token' } },
    bases: (): Input[] => [{}, { limit: '2' }],
    accepts: `${CLAMPED}; an absent cursor is the first page`,
  }),
  bot('GET', 'avatar/:bot_id', {
    auth: 'user',
    input: 'query',
    fields: {},
    bases: () => [{}],
    params: { bot_id: (c) => c.bot.id },
    accepts: NO_INPUT,
  }),
  bot('POST', ':bot_id/rotate-key', {
    auth: 'user',
    input: 'none',
    fields: {},
    bases: () => [{}],
    params: { bot_id: (c) => c.victimBotId },
    accepts:
      'takes no body: the valid path gives the victim bot a new key (404 once it is deleted)',
  }),
  bot('PUT', 'keys/:bot_id', {
    auth: 'user',
    input: 'body',
    fields: { public_key: { kind: 'base64', required: true } },
    bases: () => [{ public_key: PUBLIC_KEY_B64 }],
    params: { bot_id: (c) => c.victimBotId },
    accepts: 'any 32 bytes in base64 are a public key (the victim bot, before its DELETE)',
  }),
  bot('DELETE', 'delete/:bot_id', {
    auth: 'user',
    input: 'none',
    fields: {},
    bases: () => [{}],
    params: { bot_id: (c) => c.victimBotId },
    accepts: 'takes no body: the valid path deletes the victim bot kept for it (once; then 404)',
  }),
  bot('PATCH', 'profile/:bot_id', {
    auth: 'user',
    input: 'body',
    fields: {
      name: { kind: 'text' },
      description: { kind: 'text' },
      short_description: { kind: 'text' },
      commands: { kind: 'commands' },
      avatar: { kind: 'base64' },
      webapp_url: { kind: 'url' },
      webapp_menu_text: { kind: 'text' },
    },
    bases: (): Input[] => [
      { description: 'edited by the fuzzer', commands: [{ command: 'go', description: 'Go' }] },
      { webapp_url: 'https://example.com/app', webapp_menu_text: 'Open', avatar: PNG_B64 },
    ],
    params: { bot_id: (c) => c.bot.id },
    accepts: `the texts are free text (${FREE_TEXT}); what the bot may set itself with its key`,
  }),
  bot('GET', 'webhook-state/:bot_id', {
    auth: 'user',
    input: 'query',
    fields: { limit: { kind: 'int' } },
    bases: (): Input[] => [{}, { limit: '5' }],
    params: { bot_id: (c) => c.bot.id },
    accepts: 'reads only: any limit from 1 to 200 is valid, absent is 20',
  }),
  bot('GET', 'me', { input: 'query', fields: {}, bases: () => [{}], accepts: NO_INPUT }),
  bot('PUT', 'webapp', {
    input: 'body',
    fields: { url: { kind: 'url', required: true } },
    bases: () => [{ url: 'https://example.com/app' }],
    accepts: 'any https URL is a mini app; unknown keys are ignored',
  }),
  bot('DELETE', 'webapp', { input: 'none', fields: {}, bases: () => [{}], accepts: NO_INPUT }),
  bot('POST', 'set-commands', {
    input: 'body',
    fields: { commands: { kind: 'commands', required: true } },
    bases: () => [{ commands: [{ command: 'help', description: 'Help' }] }],
    accepts: 'unknown keys are ignored beside a valid command list',
  }),
  bot('GET', 'updates', {
    input: 'query',
    fields: { timeout: { kind: 'int' }, limit: { kind: 'int' }, offset: { kind: 'int' } },
    bases: () => [{ timeout: '0', limit: '5', offset: '1' }],
    accepts: CLAMPED,
    longPoll: true,
  }),
  bot('POST', 'send-message', {
    input: 'body',
    fields: {
      chat_id: { kind: 'uuid', required: true },
      content: { kind: 'text', required: true },
      payload: { kind: 'payload' },
      reply_to_message_id: { kind: 'uuid' },
    },
    bases: (c) => [{ chat_id: c.chatId, content: 'hello', reply_to_message_id: c.userMsgId }],
    accepts: FREE_TEXT,
  }),
  bot('POST', 'answer-callback', {
    input: 'body',
    fields: {
      callback_id: { kind: 'uuid', required: true },
      text: { kind: 'text' },
      show_alert: { kind: 'bool' },
      chat_id: { kind: 'uuid' },
      message_content: { kind: 'text' },
    },
    bases: (c) => [{ callback_id: c.callbackId, text: 'ok', show_alert: false }],
    accepts: `text is free text (${FREE_TEXT}); the callback is answered once, then 409`,
  }),
  bot('POST', 'send-photo', {
    input: 'body',
    fields: {
      chat_id: { kind: 'uuid', required: true },
      photo: { kind: 'base64', required: true },
      mime: { kind: 'mime', required: true },
      w: { kind: 'int', required: true },
      h: { kind: 'int', required: true },
      caption: { kind: 'text' },
      payload: { kind: 'payload' },
      reply_to_message_id: { kind: 'uuid' },
    },
    bases: (c) => [
      { chat_id: c.chatId, photo: PNG_B64, mime: 'image/png', w: 1, h: 1, caption: 'c' },
    ],
    accepts: `the caption is free text (${FREE_TEXT})`,
  }),
  bot('POST', 'send-document', {
    input: 'body',
    fields: {
      chat_id: { kind: 'uuid', required: true },
      document: { kind: 'base64', required: true },
      file_name: { kind: 'filename', required: true },
      mime: { kind: 'mime', required: true },
      size: { kind: 'int', required: true },
      caption: { kind: 'text' },
      payload: { kind: 'payload' },
    },
    bases: (c) => [
      { chat_id: c.chatId, document: 'aGVsbG8=', file_name: 'a.txt', mime: 'text/plain', size: 5 },
    ],
    accepts: `the caption is free text (${FREE_TEXT})`,
  }),
  bot('GET', 'media/:media_id', {
    input: 'query',
    fields: {},
    bases: () => [{}],
    params: { media_id: (c) => c.mediaId },
    accepts: NO_INPUT,
  }),
  bot('POST', 'edit-message', {
    input: 'body',
    fields: { ...ref, content: { kind: 'text', required: true }, payload: { kind: 'payload' } },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botTextMsgId, content: 'edited' }],
    accepts: FREE_TEXT,
  }),
  bot('POST', 'edit-reply-markup', {
    input: 'body',
    fields: { ...ref, buttons: { kind: 'buttons', required: true } },
    bases: (c) => [
      {
        chat_id: c.chatId,
        message_id: c.botTextMsgId,
        buttons: [[{ text: 'Go', url: 'https://example.com' }]],
      },
    ],
    accepts: 'buttons: null and [] are valid (they remove the keyboard)',
  }),
  bot('POST', 'delete-message', {
    input: 'body',
    fields: { ...ref },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botDeleteMsgId }],
    accepts: 'unknown keys are ignored: the message kept for it is deleted once, then 404',
  }),
  bot('POST', 'forward-message', {
    input: 'body',
    fields: {
      chat_id: { kind: 'uuid', required: true },
      content: { kind: 'text', required: true },
      from: { kind: 'text' },
      payload: { kind: 'payload' },
    },
    bases: (c) => [{ chat_id: c.chatId, content: 'fwd', from: 'Someone' }],
    accepts: FREE_TEXT,
  }),
  bot('POST', 'send-poll', {
    input: 'body',
    fields: {
      chat_id: { kind: 'uuid', required: true },
      question: { kind: 'text', required: true },
      options: { kind: 'strings', required: true },
      is_anonymous: { kind: 'bool' },
      allows_multiple_answers: { kind: 'bool' },
      reply_to_message_id: { kind: 'uuid' },
    },
    bases: (c) => [{ chat_id: c.chatId, question: 'Q?', options: ['a', 'b'], is_anonymous: false }],
    accepts: `question and options are free text (${FREE_TEXT})`,
  }),
  bot('POST', 'pin-message', {
    input: 'body',
    fields: { ...ref },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botTextMsgId }],
    accepts: 'unknown keys are ignored beside a valid {chat_id, message_id}',
  }),
  bot('POST', 'unpin-message', {
    input: 'body',
    fields: { chat_id: { kind: 'uuid', required: true }, message_id: { kind: 'uuid' } },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botTextMsgId }],
    accepts: 'message_id is optional and only filters: any string is a valid no-op',
  }),
  bot('POST', 'set-reaction', {
    input: 'body',
    fields: { ...ref, emoji: { kind: 'emoji', required: true }, add: { kind: 'bool' } },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botTextMsgId, emoji: '🔥', add: true }],
    accepts: 'the unicode pool holds single emoji, which are valid reactions',
  }),
  bot('POST', 'send-chat-action', {
    input: 'body',
    fields: { chat_id: { kind: 'uuid', required: true }, action: { kind: 'token' } },
    bases: (c) => [{ chat_id: c.chatId, action: 'typing' }],
    accepts: 'action is optional (typing by default)',
  }),
  bot('GET', 'chat', {
    input: 'query',
    fields: { chat_id: { kind: 'uuid', required: true } },
    bases: (c) => [{ chat_id: c.chatId }],
    accepts: 'unknown query keys are ignored beside a valid chat_id',
  }),
  bot('PUT', 'webhook', {
    input: 'body',
    fields: {
      url: { kind: 'url', required: true },
      secret: { kind: 'token' },
      secret_token: { kind: 'token' },
      max_connections: { kind: 'int' },
      allowed_updates: { kind: 'strings' },
      drop_pending_updates: { kind: 'bool' },
    },
    bases: () => [
      {
        url: 'https://example.com/hook',
        secret_token: 'tok',
        max_connections: 5,
        allowed_updates: ['message'],
      },
    ],
    accepts: 'allowed_updates takes any short strings, so a damaged list can still be valid',
  }),
  bot('GET', 'webhook', { input: 'query', fields: {}, bases: () => [{}], accepts: NO_INPUT }),
  bot('DELETE', 'webhook', {
    input: 'query',
    fields: { drop_pending_updates: { kind: 'bool' } },
    bases: () => [{ drop_pending_updates: 'true' }],
    accepts: 'drop_pending_updates is "true" or anything else (false)',
    lenient: true,
  }),
  bot('GET', 'webhook/attempts', {
    input: 'query',
    fields: { limit: { kind: 'int' } },
    bases: () => [{ limit: '5' }],
    accepts: 'limit is clamped, and unparseable means the default',
    lenient: true,
  }),
  bot('GET', 'webhook/public-key', {
    auth: 'none',
    input: 'query',
    fields: {},
    bases: () => [{}],
    accepts: 'public and takes no input',
  }),
];

export const REST_ENDPOINTS: RestEndpoint[] = [...messenger, ...quanta];

// ── gateway (Koto / Telegram dialect) ─────────────────────────────────────────────────

const gid = { kind: 'id', required: true } as const;
const markup = {
  inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]],
};

export const GATEWAY_METHODS: GatewayMethod[] = [
  { name: 'getMe', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  {
    name: 'getUpdates',
    fields: {
      offset: { kind: 'int' },
      limit: { kind: 'int' },
      timeout: { kind: 'int' },
      allowed_updates: { kind: 'strings' },
    },
    bases: () => [{ offset: 1, limit: 5, timeout: 0, allowed_updates: ['message'] }],
    accepts: `${CLAMPED}; allowed_updates ignores unknown names`,
    longPoll: true,
  },
  {
    name: 'getChat',
    fields: { chat_id: gid },
    bases: (c) => [{ chat_id: c.chatId }],
    accepts: 'unknown parameters are ignored beside a valid chat_id',
  },
  {
    name: 'sendMessage',
    fields: {
      chat_id: gid,
      text: { kind: 'text', required: true },
      reply_markup: { kind: 'markup' },
      reply_to_message_id: { kind: 'id' },
    },
    bases: (c) => [{ chat_id: c.chatId, text: 'hi', reply_markup: markup }],
    accepts: `${FREE_TEXT}; reply and force_reply keyboards are accepted as no-ops`,
  },
  {
    name: 'editMessageText',
    fields: {
      chat_id: gid,
      message_id: gid,
      text: { kind: 'text', required: true },
      reply_markup: { kind: 'markup' },
    },
    bases: (c) => [
      { chat_id: c.chatId, message_id: c.botTextMsgId, text: 'edited', reply_markup: markup },
    ],
    accepts: FREE_TEXT,
  },
  {
    name: 'answerCallbackQuery',
    fields: {
      callback_query_id: gid,
      text: { kind: 'text' },
      show_alert: { kind: 'bool' },
    },
    bases: (c) => [{ callback_query_id: c.callbackId, text: 'ok', show_alert: true }],
    accepts: `text is free text (${FREE_TEXT}); answered once, then 400`,
  },
  {
    name: 'setMyCommands',
    fields: { commands: { kind: 'commands', required: true }, scope: { kind: 'payload' } },
    bases: () => [{ commands: [{ command: 'go', description: 'Go' }], scope: { type: 'default' } }],
    accepts: 'scope and language_code are accepted and ignored',
  },
  { name: 'getMyCommands', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  {
    name: 'setChatMenuButton',
    fields: { menu_button: { kind: 'payload' } },
    bases: () => [
      { menu_button: { type: 'web_app', text: 'Open', web_app: { url: 'https://example.com/a' } } },
    ],
    accepts: 'without menu_button the menu goes back to the commands, as on Telegram',
  },
  { name: 'getChatMenuButton', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  { name: 'deleteMyCommands', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  {
    name: 'setWebhook',
    fields: {
      url: { kind: 'url' },
      secret_token: { kind: 'token' },
      max_connections: { kind: 'int' },
      allowed_updates: { kind: 'strings' },
      drop_pending_updates: { kind: 'bool' },
    },
    bases: () => [{ url: 'https://example.com/tg', secret_token: 'tok', max_connections: 5 }],
    accepts: 'an empty or missing url removes the webhook, as on Telegram',
  },
  {
    name: 'deleteWebhook',
    fields: { drop_pending_updates: { kind: 'bool' } },
    bases: () => [{ drop_pending_updates: true }],
    accepts: 'drop_pending_updates is optional',
  },
  { name: 'getWebhookInfo', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  {
    name: 'sendPhoto',
    fields: {
      chat_id: gid,
      photo: { kind: 'base64', required: true },
      caption: { kind: 'text' },
      reply_markup: { kind: 'markup' },
      mime: { kind: 'mime' },
      w: { kind: 'int' },
      h: { kind: 'int' },
    },
    bases: (c) => [{ chat_id: c.chatId, photo: PNG_B64, caption: 'c', reply_markup: markup }],
    accepts: `the caption is free text (${FREE_TEXT}); mime, w and h are optional`,
  },
  {
    name: 'sendDocument',
    fields: {
      chat_id: gid,
      document: { kind: 'base64', required: true },
      file_name: { kind: 'filename' },
      mime: { kind: 'mime' },
      size: { kind: 'int' },
      caption: { kind: 'text' },
    },
    bases: (c) => [{ chat_id: c.chatId, document: 'aGVsbG8=', file_name: 'a.txt', caption: 'c' }],
    accepts: `the caption is free text (${FREE_TEXT}); name, type and size are optional`,
  },
  {
    name: 'editMessageReplyMarkup',
    fields: { chat_id: gid, message_id: gid, reply_markup: { kind: 'markup' } },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botTextMsgId, reply_markup: markup }],
    accepts: 'a missing or non-inline reply_markup removes the keyboard',
  },
  {
    name: 'deleteMessage',
    fields: { chat_id: gid, message_id: gid },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botDeleteMsgId }],
    accepts: 'unknown parameters are ignored: the message kept for it is deleted once',
  },
  {
    name: 'forwardMessage',
    fields: {
      chat_id: gid,
      from_chat_id: { kind: 'id' },
      message_id: { kind: 'id' },
      text: { kind: 'text' },
      from: { kind: 'text' },
    },
    bases: (c): Input[] => [
      { chat_id: c.chatId, from_chat_id: c.chatId, message_id: c.userMsgId },
      { chat_id: c.chatId, text: 'fwd', from: 'Someone' },
    ],
    accepts: FREE_TEXT,
  },
  {
    name: 'sendPoll',
    fields: {
      chat_id: gid,
      question: { kind: 'text', required: true },
      options: { kind: 'strings', required: true },
      is_anonymous: { kind: 'bool' },
      allows_multiple_answers: { kind: 'bool' },
    },
    bases: (c) => [{ chat_id: c.chatId, question: 'Q?', options: ['a', { text: 'b' }] }],
    accepts: `question and options are free text (${FREE_TEXT})`,
  },
  {
    name: 'pinChatMessage',
    fields: { chat_id: gid, message_id: gid },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botTextMsgId }],
    accepts: 'unknown parameters are ignored beside a valid {chat_id, message_id}',
  },
  {
    name: 'unpinChatMessage',
    fields: { chat_id: gid, message_id: { kind: 'id' } },
    bases: (c) => [{ chat_id: c.chatId, message_id: c.botTextMsgId }],
    accepts: 'message_id is optional and only filters',
  },
  {
    name: 'setMessageReaction',
    fields: {
      chat_id: gid,
      message_id: gid,
      reaction: { kind: 'reactions' },
      emoji: { kind: 'emoji' },
      add: { kind: 'bool' },
    },
    bases: (c): Input[] => [
      { chat_id: c.chatId, message_id: c.botTextMsgId, reaction: [{ type: 'emoji', emoji: '👍' }] },
      { chat_id: c.chatId, message_id: c.botTextMsgId, emoji: '🔥', add: true },
    ],
    accepts: 'reaction and emoji are alternatives, and [] clears',
  },
  {
    name: 'sendChatAction',
    fields: { chat_id: gid, action: { kind: 'token' } },
    bases: (c) => [{ chat_id: c.chatId, action: 'typing' }],
    accepts: 'action is optional (typing by default)',
  },
  {
    name: 'getFile',
    fields: { file_id: gid },
    bases: (c) => [{ file_id: c.mediaId }],
    accepts: 'unknown parameters are ignored beside a valid file_id',
  },
  {
    name: 'copyMessage',
    fields: {
      chat_id: gid,
      from_chat_id: gid,
      message_id: gid,
      reply_markup: { kind: 'markup' },
    },
    bases: (c) => [{ chat_id: c.chatId, from_chat_id: c.chatId, message_id: c.userMsgId }],
    accepts: 'reply and force_reply keyboards are accepted as no-ops',
  },
  {
    name: 'getChatMember',
    fields: { chat_id: gid, user_id: gid },
    bases: (c) => [{ chat_id: c.groupId, user_id: c.user.id }],
    accepts: 'unknown parameters are ignored beside a valid chat_id and user_id',
  },
  {
    name: 'getChatMemberCount',
    fields: { chat_id: gid },
    bases: (c) => [{ chat_id: c.groupId }],
    accepts: 'unknown parameters are ignored beside a valid chat_id',
  },
  {
    name: 'leaveChat',
    fields: { chat_id: gid },
    bases: (c) => [{ chat_id: c.leaveGroupId }],
    accepts: 'unknown parameters are ignored beside a valid chat_id',
  },
  {
    name: 'setMyName',
    fields: { name: { kind: 'text', required: true }, language_code: { kind: 'token' } },
    bases: () => [{ name: 'Fuzzed Bot', language_code: 'en' }],
    accepts: `${FREE_TEXT}; language_code is accepted and ignored`,
  },
  { name: 'getMyName', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  {
    name: 'setMyDescription',
    fields: { description: { kind: 'text' }, language_code: { kind: 'token' } },
    bases: () => [{ description: 'A bot.' }],
    accepts: `${FREE_TEXT}; an empty or absent description clears it`,
  },
  { name: 'getMyDescription', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  {
    name: 'setMyShortDescription',
    fields: { short_description: { kind: 'text' }, language_code: { kind: 'token' } },
    bases: () => [{ short_description: 'Short.' }],
    accepts: `${FREE_TEXT}; an empty or absent short description clears it`,
  },
  { name: 'getMyShortDescription', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  { name: 'logOut', fields: {}, bases: () => [{}], accepts: NO_INPUT },
  { name: 'close', fields: {}, bases: () => [{}], accepts: NO_INPUT },
];

// ── the routers' own view, for the coverage check ─────────────────────────────────────

interface LayerLike {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  rawPath?: string | string[];
}

/**
 * Every `METHOD /path` registered on an Express 5 app, found by walking its router stack
 * (router 2.x keeps each layer's mount path in `rawPath`).
 */
export function registeredRoutes(app: Express): Set<string> {
  const out = new Set<string>();
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = ([] as string[]).concat(layer.route.path);
        for (const p of paths) {
          for (const [m, on] of Object.entries(layer.route.methods)) {
            if (on && m !== '_all') out.add(`${m.toUpperCase()} ${prefix}${p}`);
          }
        }
      } else if (layer.handle?.stack) {
        const mounts = ([] as string[]).concat(layer.rawPath ?? '');
        for (const mount of mounts) walk(layer.handle.stack, prefix + (mount === '/' ? '' : mount));
      }
    }
  };
  const router = (app as unknown as { router: { stack: LayerLike[] } }).router;
  walk(router.stack, '');
  return out;
}

export const restKey = (e: Pick<RestEndpoint, 'method' | 'path'>) => `${e.method} ${e.path}`;
