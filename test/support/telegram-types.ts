// Runtime schemas of the Telegram Bot API types the gateway returns on the Telegram form,
// each tied to its type in @grammyjs/types (what grammY itself compiles against) so that they
// cannot drift apart silently: conform<T>()(schema) does not typecheck unless every value the
// schema accepts is a T and the schema names no field T lacks. The schemas are strict, so a
// field the gateway sends that Telegram's type lacks fails at run time; a field Telegram
// requires that the schema lacks fails `npm run typecheck`.
import type * as Tg from '@grammyjs/types';
import { z } from 'zod';
import { REACTION_EMOJI } from '../../src/http/gateway/telegram-reactions';

type KeysOf<T> = T extends unknown ? keyof T : never;
type Conforms<Out, T> = [Out] extends [T]
  ? [Exclude<KeysOf<Out>, KeysOf<T>>] extends [never]
    ? true
    : false
  : false;

/** `schema`, if it conforms to T (a type error otherwise). */
export const conform =
  <T>() =>
  <S extends z.ZodType>(schema: S & (Conforms<z.output<S>, T> extends true ? unknown : never)) =>
    schema;

/** Compile-time equality, for closed lists (T and U must be the same set). */
type Equal<T, U> = [T] extends [U] ? ([U] extends [T] ? true : false) : false;
const assertEqual = <_ extends true>() => undefined;

const int = z.number().int();
const unix = int.positive();

export const user = conform<Tg.User>()(
  z.strictObject({
    id: int.positive(),
    is_bot: z.boolean(),
    first_name: z.string().min(1),
    last_name: z.string().optional(),
    username: z.string().optional(),
  }),
);

export const userFromGetMe = conform<Tg.UserFromGetMe>()(
  user.extend({
    is_bot: z.literal(true),
    username: z.string(),
    can_join_groups: z.boolean(),
    can_read_all_group_messages: z.boolean(),
    supports_inline_queries: z.boolean(),
    can_connect_to_business: z.boolean(),
    has_main_web_app: z.boolean(),
    has_topics_enabled: z.boolean(),
    allows_users_to_create_topics: z.boolean(),
    can_manage_bots: z.boolean(),
    supports_join_request_queries: z.boolean(),
  }),
);

const privateChat = z.strictObject({
  id: int.positive(),
  type: z.literal('private'),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
const groupChat = z.strictObject({
  id: int.negative(),
  type: z.literal('group'),
  title: z.string(),
});

export const chat = conform<Tg.Chat>()(z.discriminatedUnion('type', [privateChat, groupChat]));

export const entity = conform<Tg.MessageEntity>()(
  z.strictObject({ type: z.literal('bot_command'), offset: int.min(0), length: int.positive() }),
);

export const photoSize = conform<Tg.PhotoSize>()(
  z.strictObject({
    file_id: z.string().min(1),
    file_unique_id: z.string().min(1),
    width: int.positive(),
    height: int.positive(),
    file_size: int.positive().optional(),
  }),
);

export const document = conform<Tg.Document>()(
  z.strictObject({
    file_id: z.string().min(1),
    file_unique_id: z.string().min(1),
    file_name: z.string().optional(),
    mime_type: z.string().optional(),
    file_size: int.positive().optional(),
  }),
);

export const file = conform<Tg.File>()(
  z.strictObject({
    file_id: z.string().min(1),
    file_unique_id: z.string().min(1),
    file_size: int.positive().optional(),
    file_path: z.string().optional(),
  }),
);

const pollOption = conform<Tg.PollOption>()(
  z.strictObject({ persistent_id: z.string(), text: z.string(), voter_count: int.min(0) }),
);

export const poll = conform<Tg.Poll>()(
  z.strictObject({
    id: z.string(),
    question: z.string(),
    options: z.array(pollOption),
    total_voter_count: int.min(0),
    is_closed: z.boolean(),
    is_anonymous: z.boolean(),
    type: z.enum(['regular', 'quiz']),
    allows_multiple_answers: z.boolean(),
    allows_revoting: z.boolean(),
    members_only: z.boolean(),
  }),
);

const button = conform<Tg.InlineKeyboardButton>()(
  z.union([
    z.strictObject({ text: z.string(), callback_data: z.string() }),
    z.strictObject({ text: z.string(), url: z.string() }),
    z.strictObject({ text: z.string(), web_app: z.strictObject({ url: z.string() }) }),
  ]),
);

const webAppData = conform<Tg.WebAppData>()(
  z.strictObject({ data: z.string(), button_text: z.string() }),
);

export const inlineKeyboardMarkup = conform<Tg.InlineKeyboardMarkup>()(
  z.strictObject({ inline_keyboard: z.array(z.array(button)) }),
);

const hiddenUserOrigin = conform<Tg.MessageOrigin>()(
  z.strictObject({ type: z.literal('hidden_user'), date: unix, sender_user_name: z.string() }),
);

const messageFields = {
  message_id: int.positive(),
  date: unix,
  chat,
  from: user.optional(),
  edit_date: unix.optional(),
  text: z.string().optional(),
  entities: z.array(entity).optional(),
  caption: z.string().optional(),
  caption_entities: z.array(entity).optional(),
  photo: z.array(photoSize).min(1).optional(),
  document: document.optional(),
  poll: poll.optional(),
  forward_origin: hiddenUserOrigin.optional(),
  reply_markup: inlineKeyboardMarkup.optional(),
  web_app_data: webAppData.optional(),
};

/** A quoted message: no quote of its own (grammY types it with reply_to_message undefined). */
const replyMessage = z
  .strictObject(messageFields)
  .transform((m) => ({ ...m, reply_to_message: undefined }));

export const message = conform<Tg.Message>()(
  z.strictObject({ ...messageFields, reply_to_message: replyMessage.optional() }),
);

export const callbackQuery = conform<Tg.CallbackQuery>()(
  z.strictObject({
    id: z.string(),
    from: user,
    message: message.optional(),
    chat_instance: z.string(),
    data: z.string().optional(),
  }),
);

export const pollAnswer = conform<Tg.PollAnswer>()(
  z.strictObject({
    poll_id: z.string(),
    user: user.optional(),
    option_ids: z.array(int.min(0)),
    option_persistent_ids: z.array(z.string()),
  }),
);

// The platform's copy of Telegram's reaction emoji must be exactly the set @grammyjs/types lists.
assertEqual<Equal<(typeof REACTION_EMOJI)[number], Tg.ReactionTypeEmoji['emoji']>>();

const reaction = conform<Tg.ReactionType>()(
  z.strictObject({ type: z.literal('emoji'), emoji: z.enum(REACTION_EMOJI) }),
);

export const messageReactionUpdated = conform<Tg.MessageReactionUpdated>()(
  z.strictObject({
    chat,
    message_id: int.positive(),
    user: user.optional(),
    date: unix,
    old_reaction: z.array(reaction),
    new_reaction: z.array(reaction),
  }),
);

/** What a bot is told: always with its sender; an edit with its date. */
const incoming = message.extend({ from: user });
const edited = incoming.extend({ edit_date: unix });

export const update = conform<Tg.Update>()(
  z
    .strictObject({
      update_id: int.min(0),
      message: incoming.optional(),
      edited_message: edited.optional(),
      callback_query: callbackQuery.optional(),
      poll_answer: pollAnswer.optional(),
      message_reaction: messageReactionUpdated.optional(),
    })
    .refine((u) => Object.keys(u).length === 2, 'exactly one kind of update'),
);

const acceptedGiftTypes = conform<Tg.AcceptedGiftTypes>()(
  z.strictObject({
    unlimited_gifts: z.boolean(),
    limited_gifts: z.boolean(),
    unique_gifts: z.boolean(),
    premium_subscription: z.boolean(),
    gifts_from_channels: z.boolean(),
  }),
);

const fullInfo = {
  accent_color_id: int.min(0),
  max_reaction_count: int.min(0),
  accepted_gift_types: acceptedGiftTypes,
  pinned_message: message.optional(),
};

export const chatFullInfo = conform<Tg.ChatFullInfo>()(
  z.discriminatedUnion('type', [privateChat.extend(fullInfo), groupChat.extend(fullInfo)]),
);

export const chatMember = conform<Tg.ChatMember>()(
  z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal('creator'), user, is_anonymous: z.boolean() }),
    z.strictObject({ status: z.literal('member'), user }),
  ]),
);

export const webhookInfo = conform<Tg.WebhookInfo>()(
  z.strictObject({
    url: z.string(),
    has_custom_certificate: z.boolean(),
    pending_update_count: int.min(0),
    last_error_date: unix.optional(),
    last_error_message: z.string().optional(),
    max_connections: int.positive().optional(),
    allowed_updates: z
      .array(
        z.enum(['message', 'edited_message', 'callback_query', 'poll_answer', 'message_reaction']),
      )
      .optional(),
  }),
);

export const botCommand = conform<Tg.BotCommand>()(
  z.strictObject({ command: z.string(), description: z.string() }),
);

export const messageId = conform<Tg.MessageId>()(z.strictObject({ message_id: int.positive() }));

export const menuButton = conform<Tg.MenuButton>()(
  z.union([
    z.strictObject({ type: z.literal('commands') }),
    z.strictObject({ type: z.literal('default') }),
    z.strictObject({
      type: z.literal('web_app'),
      text: z.string(),
      web_app: z.strictObject({ url: z.string() }),
    }),
  ]),
);

type Result<M extends keyof Tg.ApiMethods<unknown>> = ReturnType<Tg.ApiMethods<unknown>[M]>;
const done = z.literal(true);

/**
 * The result of every gateway method, as Telegram types it. Methods that return a message are
 * checked against Telegram's Message (grammY narrows some further, by the kind of message).
 */
export const METHOD_RESULTS: Record<string, z.ZodType> = {
  getMe: conform<Result<'getMe'>>()(userFromGetMe),
  getUpdates: conform<Result<'getUpdates'>>()(z.array(update)),
  getChat: conform<Result<'getChat'>>()(chatFullInfo),
  sendMessage: conform<Tg.Message>()(message),
  editMessageText: conform<Tg.Message>()(message),
  editMessageReplyMarkup: conform<Tg.Message>()(message),
  sendPhoto: conform<Tg.Message>()(message.extend({ photo: z.array(photoSize).min(1) })),
  sendDocument: conform<Tg.Message>()(message.extend({ document })),
  sendPoll: conform<Tg.Message>()(message.extend({ poll })),
  forwardMessage: conform<Tg.Message>()(message),
  copyMessage: conform<Result<'copyMessage'>>()(messageId),
  answerCallbackQuery: conform<Result<'answerCallbackQuery'>>()(done),
  setMyCommands: conform<Result<'setMyCommands'>>()(done),
  getMyCommands: conform<Result<'getMyCommands'>>()(z.array(botCommand)),
  deleteMyCommands: conform<Result<'deleteMyCommands'>>()(done),
  setWebhook: conform<Result<'setWebhook'>>()(done),
  deleteWebhook: conform<Result<'deleteWebhook'>>()(done),
  getWebhookInfo: conform<Result<'getWebhookInfo'>>()(webhookInfo),
  deleteMessage: conform<Result<'deleteMessage'>>()(done),
  pinChatMessage: conform<Result<'pinChatMessage'>>()(done),
  unpinChatMessage: conform<Result<'unpinChatMessage'>>()(done),
  setMessageReaction: conform<Result<'setMessageReaction'>>()(done),
  sendChatAction: conform<Result<'sendChatAction'>>()(done),
  getFile: conform<Result<'getFile'>>()(file),
  getChatMember: conform<Result<'getChatMember'>>()(chatMember),
  getChatMemberCount: conform<Result<'getChatMemberCount'>>()(int.min(1)),
  leaveChat: conform<Result<'leaveChat'>>()(done),
  setMyName: conform<Result<'setMyName'>>()(done),
  getMyName: conform<Result<'getMyName'>>()(z.strictObject({ name: z.string() })),
  setMyDescription: conform<Result<'setMyDescription'>>()(done),
  getMyDescription: conform<Result<'getMyDescription'>>()(
    z.strictObject({ description: z.string() }),
  ),
  setMyShortDescription: conform<Result<'setMyShortDescription'>>()(done),
  getMyShortDescription: conform<Result<'getMyShortDescription'>>()(
    z.strictObject({ short_description: z.string() }),
  ),
  setChatMenuButton: conform<Result<'setChatMenuButton'>>()(done),
  getChatMenuButton: conform<Result<'getChatMenuButton'>>()(menuButton),
  logOut: conform<Result<'logOut'>>()(done),
  close: conform<Result<'close'>>()(done),
};
