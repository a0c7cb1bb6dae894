// The self-hosted gateway's methods: the Telegram bot API a grammY bot uses day to day, each
// turned into calls of the platform's Quanta bot API. Parameters are read with the platform
// gateway's own schemas, results shaped with its own shapes (http/gateway); only the ids
// (LocalRecords) and the keys (sealing.ts, reader-boxes.ts) are this process's.
import type { z } from 'zod';
import { appError } from '../domain/errors';
import { openFor, revealUpdate } from '../domain/e2e/reader-boxes';
import type { MessageRecord } from '../domain/messages/message';
import { imageInfo } from '../domain/media/image-info';
import { parse } from '../domain/validation';
import type { ChatView } from '../http/messenger/chat-view';
import type { MessengerMessage } from '../http/messenger/message-view';
import type { PublicBot } from '../http/quanta/bot-view';
import type { QuantaUpdate } from '../http/quanta/update-view';
import { idShapes } from '../http/gateway/ids';
import { buttonsFrom } from '../http/gateway/markup';
import type { Params } from '../http/gateway/params';
import { tgMessage, tgUpdate } from '../http/gateway/shapes';
import { answerArgs } from '../http/gateway/methods/callbacks';
import { setMyCommandsArgs } from '../http/gateway/methods/commands';
import { actionArgs, markupArgs, refArgs } from '../http/gateway/methods/actions';
import { editMessageTextArgs, sendMessageArgs } from '../http/gateway/methods/messages';
import {
  documentArgs,
  documentMeta,
  fileParam,
  photoArgs,
  photoMeta,
} from '../http/gateway/methods/media';
import { replyTarget } from '../http/gateway/methods/args';
import { botCapabilities } from '../http/gateway/methods/reading';
import type { LocalRecords } from './quanta-records';
import { outgoing, type BotIdentity } from './sealing';
import { UpstreamError, type Upstream } from './upstream';

const ids = idShapes('telegram');

/** One call: the bot's token and key, its parameters, and the client's connection. */
export interface Call {
  token: string;
  secret: Uint8Array;
  bot: BotIdentity;
  params: Params;
  /** Aborted when the client hangs up (a stopping bot's long poll). */
  signal: AbortSignal;
}

export type SelfHostedMethod = (c: Call) => Promise<unknown>;

type Sent = { message: MessengerMessage };

export function selfHostedMethods(upstream: Upstream, records: LocalRecords) {
  const chatOf = (shown: string) => {
    const chatId = records.chatUuid(shown);
    if (!chatId) throw appError('chat_not_found');
    return chatId;
  };
  const messageOf = (shown: string) => {
    const id = records.messageUuid(shown);
    if (!id) throw appError('message_not_found');
    return id;
  };
  const replyOf = (a: Parameters<typeof replyTarget>[0]) => {
    const shown = replyTarget(a);
    if (shown === undefined) return undefined;
    const id = records.messageUuid(shown);
    if (!id) throw appError('reply_target_not_found', { field: 'reply_to_message_id' });
    return id;
  };
  /** The chat as the bot sees it: its type and members' keys, for every send into it. */
  const chat = async (c: Call, chatId: string) => {
    const { chat } = await upstream.call<{ chat: ChatView }>(
      c.token,
      'GET',
      `/chat?chat_id=${encodeURIComponent(chatId)}`,
    );
    records.nameChat(chat.id, chat.title);
    return chat;
  };
  /** A message the bot sent or edited, as Telegram shows it: its own box opened. */
  const shown = (c: Call, m: MessengerMessage, chatType: ChatView['type']): unknown => {
    const record: MessageRecord = records.fromMessenger(m, chatType, c.bot.name);
    return tgMessage(ids, openFor(record, c.bot.userId, c.secret));
  };
  const send = async (c: Call, path: string, body: Record<string, unknown>, type: string) => {
    const { message } = await upstream.post<Sent>(c.token, path, body);
    return shown(c, message, type as ChatView['type']);
  };
  const payloadOf = (buttons: unknown[] | undefined, envelope: object | undefined) => {
    const p = { ...(buttons?.length && { buttons }), ...envelope };
    return Object.keys(p).length > 0 ? { payload: p } : {};
  };

  /** A photo or document: its bytes sealed in an encrypted chat, their key in the caption's box. */
  const sendFile = async (
    c: Call,
    field: 'photo' | 'document',
    a: z.infer<typeof photoArgs> | z.infer<typeof documentArgs>,
    bytes: Buffer,
    meta: Record<string, unknown>,
  ) => {
    const chatId = chatOf(a.chat_id);
    const replyTo = replyOf(a);
    const out = outgoing(await chat(c, chatId), c.bot, c.secret, a.caption ?? '', bytes);
    const file = out.file!;
    const body = {
      chat_id: chatId,
      [field]: file.toString('base64'),
      ...meta,
      // A document's size is that of what goes up: the sealed bytes in an encrypted chat.
      ...(field === 'document' && { size: file.length }),
      ...(out.content !== '' && { caption: out.content }),
      ...payloadOf(buttonsFrom(a.reply_markup), out.envelope),
      ...(replyTo && { reply_to_message_id: replyTo }),
    };
    return send(c, `/send-${field}`, body, out.chatType);
  };

  const methods: Record<string, SelfHostedMethod> = {
    getMe: ({ bot }) =>
      Promise.resolve({
        id: records.userTgId(bot.userId),
        is_bot: true,
        first_name: bot.name,
        username: bot.username,
        ...botCapabilities(bot.webappUrl !== null),
      }),

    async deleteWebhook({ token }) {
      await upstream.call(token, 'DELETE', '/webhook').catch((err: unknown) => {
        // No webhook to delete is what was wanted.
        if (!(err instanceof UpstreamError && err.status === 404)) throw err;
      });
      return true;
    },

    async getUpdates(c) {
      // Telegram's default is no wait; the Quanta API's is 30 s.
      const q = new URLSearchParams({ timeout: '0' });
      for (const k of ['offset', 'limit', 'timeout'] as const) {
        const v = c.params[k];
        if (typeof v === 'number' || typeof v === 'string') q.set(k, String(v));
      }
      const { updates } = await upstream
        .call<{ updates: QuantaUpdate[] }>(
          c.token,
          'GET',
          `/updates?${q.toString()}`,
          undefined,
          c.signal,
        )
        .catch((err: unknown) => {
          if (c.signal.aborted) return { updates: [] };
          throw err;
        });
      const reader = { userId: c.bot.userId, username: c.bot.username };
      return updates.map((u) => tgUpdate(ids, revealUpdate(records.update(u), reader, c.secret)));
    },

    async sendMessage(c) {
      const a = parse(sendMessageArgs, c.params);
      const chatId = chatOf(a.chat_id);
      const buttons = buttonsFrom(a.reply_markup);
      const replyTo = replyOf(a);
      const out = outgoing(await chat(c, chatId), c.bot, c.secret, a.text);
      return send(
        c,
        '/send-message',
        {
          chat_id: chatId,
          content: out.content,
          ...payloadOf(buttons, out.envelope),
          ...(replyTo && { reply_to_message_id: replyTo }),
        },
        out.chatType,
      );
    },

    /** A reply_markup given with it replaces the keyboard; without one it stays. */
    async editMessageText(c) {
      if (c.params.inline_message_id !== undefined) {
        throw appError('unsupported', { detail: 'inline messages are not supported' });
      }
      const a = parse(editMessageTextArgs, c.params);
      const ref = { chat_id: chatOf(a.chat_id), message_id: messageOf(a.message_id) };
      const buttons = buttonsFrom(a.reply_markup);
      const out = outgoing(await chat(c, ref.chat_id), c.bot, c.secret, a.text);
      const edited = await upstream.post<Sent>(c.token, '/edit-message', {
        ...ref,
        content: out.content,
        ...(out.envelope && { payload: out.envelope }),
      });
      if (!buttons) return shown(c, edited.message, out.chatType);
      return send(c, '/edit-reply-markup', { ...ref, buttons }, out.chatType);
    },

    /** An empty (or absent) markup removes the keyboard. */
    async editMessageReplyMarkup(c) {
      const a = parse(markupArgs, c.params);
      const chatId = chatOf(a.chat_id);
      const ref = { chat_id: chatId, message_id: messageOf(a.message_id) };
      const { type } = await chat(c, chatId);
      return send(
        c,
        '/edit-reply-markup',
        { ...ref, buttons: buttonsFrom(a.reply_markup) ?? [] },
        type,
      );
    },

    async deleteMessage(c) {
      const a = parse(refArgs, c.params);
      const ref = { chat_id: chatOf(a.chat_id), message_id: messageOf(a.message_id) };
      await upstream.post(c.token, '/delete-message', ref);
      return true;
    },

    async answerCallbackQuery(c) {
      const a = parse(answerArgs, c.params);
      await upstream.post(c.token, '/answer-callback', {
        callback_id: a.callback_query_id,
        ...(a.text !== undefined && a.text !== '' && { text: a.text }),
        ...(a.show_alert !== undefined && { show_alert: a.show_alert }),
      });
      return true;
    },

    async sendPhoto(c) {
      const a = parse(photoArgs, c.params);
      const { bytes } = fileParam('photo', a.photo);
      const info = imageInfo(bytes);
      const meta = parse(photoMeta, {
        mime: a.mime ?? info?.mime ?? 'application/octet-stream',
        w: a.w ?? info?.width,
        h: a.h ?? info?.height,
      });
      return sendFile(c, 'photo', a, bytes, meta);
    },

    async sendDocument(c) {
      const a = parse(documentArgs, c.params);
      const { bytes, file } = fileParam('document', a.document);
      const meta = parse(documentMeta, {
        file_name: a.file_name ?? file?.filename ?? 'document',
        mime: a.mime ?? file?.mime ?? 'application/octet-stream',
      });
      return sendFile(c, 'document', a, bytes, meta);
    },

    async sendChatAction(c) {
      const a = parse(actionArgs, c.params);
      await upstream.post(c.token, '/send-chat-action', {
        chat_id: chatOf(a.chat_id),
        action: a.action,
      });
      return true;
    },

    async setMyCommands(c) {
      const { commands } = parse(setMyCommandsArgs, c.params);
      await upstream.post(c.token, '/set-commands', { commands });
      return true;
    },

    async getMyCommands(c) {
      const { bot } = await upstream.call<{ bot: PublicBot }>(c.token, 'GET', '/me');
      return bot.commands;
    },

    async deleteMyCommands(c) {
      await upstream.post(c.token, '/set-commands', { commands: [] });
      return true;
    },
  };
  return methods;
}
