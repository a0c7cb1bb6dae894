// The `{"error": "…"}` sentences of the Quanta bot API and the messenger API, one per
// reason. The two differ only where they speak to their caller: a bot, or a person.
import type { AppError, Reason } from '../domain/errors';

type Sentence = (e: AppError) => string;

const fieldSays = (e: AppError) => (e.field ? `${e.field}: ${e.detail}` : (e.detail ?? 'invalid'));

export const quantaSentences: Record<Reason, Sentence> = {
  malformed_json: () => 'malformed JSON body',
  json_too_deep: (e) => `JSON must not nest deeper than ${e.detail} levels`,
  malformed_path: () => 'malformed %-encoding in the URL path',
  malformed_request: (e) => e.detail ?? 'malformed request',
  malformed_multipart: (e) => e.detail ?? 'malformed multipart body',
  request_aborted: () => 'request aborted',
  body_too_large: () => 'request body too large',
  unsupported_encoding: (e) =>
    e.field ? `unsupported charset in part ${e.field}` : 'unsupported body encoding',
  unparsable_param: (e) => `can't parse ${e.field} JSON object`,
  missing_attachment: (e) => `file attach://${e.detail} was not sent`,
  unsupported: (e) => e.detail ?? 'not supported',
  invalid_field: fieldSays,
  text_too_long: fieldSays,
  missing_field: (e) => `${e.field} is required${e.detail ? ` ${e.detail}` : ''}`,
  missing_fields: (e) => `${e.field} are required`,
  unknown_fields: (e) => `unknown field${e.field?.includes(',') ? 's' : ''}: ${e.field}`,
  unstorable_text: () => 'text must not contain NUL (\\u0000) characters',
  value_out_of_range: () => 'a value is malformed or out of range',
  value_too_large: () => 'a value is too large or too complex',
  media_too_large: (e) => `${e.field}: must be at most ${e.detail} bytes`,
  missing_bearer_token: () => 'missing bearer token',
  missing_bot_token: () => 'missing X-Bot-Token header',
  invalid_bot_token: () => 'invalid bot token',
  invalid_user_token: () => 'invalid or expired token',
  bad_credentials: () => 'invalid username or password',
  missing_permission: (e) => `bot lacks the ${e.detail} permission`,
  not_a_member: () => 'bot is not a member of the chat',
  not_own_message: (e) => `a bot can only ${e.detail} its own messages`,
  not_group_creator: () => "only the group's creator can remove members",
  init_data_invalid: (e) => `init_data: ${e.detail ?? 'invalid'}`,
  route_not_found: () => 'not found',
  method_not_found: () => 'method not found',
  user_not_found: () => 'user not found',
  bot_not_found: () => 'bot not found',
  chat_not_found: () => 'chat not found',
  message_not_found: () => 'message not found',
  poll_not_found: () => 'poll not found',
  media_not_found: () => 'media not found',
  avatar_not_found: () => 'avatar not found',
  callback_not_found: () => 'callback not found',
  invitation_not_found: () => 'invitation not found',
  webapp_not_set: (e) => e.detail ?? 'the bot has no mini app',
  reply_target_not_found: (e) => `${e.field}: message not found in this chat`,
  username_taken: () => 'username is already taken',
  bot_username_taken: () => 'bot username is already taken',
  too_many_bots: (e) => `an owner may have at most ${e.detail} bots: delete one first`,
  not_a_group: (e) => `members can only ${e.detail ?? 'be added to'} a group`,
  message_not_editable: () => 'a poll cannot be edited',
  message_has_no_buttons: () => 'message has no inline buttons',
  callback_answered: () => 'callback already answered',
  webhook_active: () => 'a webhook is set: delete it to use long polling',
  poll_superseded: () => 'terminated by another long poll for this bot',
  init_data_used: () => 'init_data: this mini app session already sent its data',
  group_full: (e) => `the group is full: at most ${e.detail} members and invitations`,
  rate_limited: (e) => `too many requests, retry after ${e.retryAfter}`,
  too_many_groups: (e) =>
    `at most ${e.detail} new groups a day, retry after ${e.retryAfter} seconds`,
  unavailable: () => 'service temporarily unavailable',
  internal: () => 'internal error',
};

export const messengerSentences: Record<Reason, Sentence> = {
  ...quantaSentences,
  not_a_member: () => 'not a member of the chat',
  not_own_message: (e) => `you can only ${e.detail} your own messages`,
};
