// The self-hosted gateway (ROLE=gateway): the Telegram-style bot API served locally for
// self-custody bots, on top of the platform's public Quanta bot API. Boxes come down with
// getUpdates and are opened here with the bot's key from BOT_KEYS_FILE; replies are boxed
// here to the person's key before they go up. The platform never sees the plaintext.
//
// It serves what a text bot needs: getMe, deleteWebhook, getUpdates, sendMessage.
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { boxText, openText } from '../domain/crypto/e2e-box';
import type { BotKeys } from './bot-keys';
import { LocalIds } from './local-ids';
import { Upstream, UpstreamError } from './upstream';

interface QuantaMessage {
  message_id: string;
  chat_id: string;
  chat_type: 'private' | 'group';
  user_id: string;
  username: string;
  content: string;
  payload?: { nonce?: string; sender_public_key?: string };
  created_at: string;
}

interface QuantaUpdate {
  update_id: number;
  type: string;
  payload: QuantaMessage;
}

/** What a Quanta send answers with. */
interface SentMessage {
  id: string;
  created_at: string;
  sender: { id: string; username: string };
}

interface BotView {
  bot: { user_id: string; name: string; username: string };
}

/** Chats whose person's key is remembered (each reply needs it). */
const MAX_CHATS = 100_000;

const TOKEN = /^(\d{1,19}):[A-Za-z0-9_-]+$/;

class MethodError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
  }
}

export function selfHostedGateway(upstreamUrl: string, keys: BotKeys, log: Logger) {
  const upstream = new Upstream(upstreamUrl);
  const chats = new LocalIds(1_000_001);
  const users = new LocalIds(5_000_001);
  const messages = new LocalIds(1);
  /** chat uuid → the person's public key in it (from their last box) */
  const peerKeys = new Map<string, string>();

  const toTgMessage = (m: QuantaMessage, text: string) => ({
    message_id: messages.numberOf(m.message_id),
    date: Math.floor(Date.parse(m.created_at) / 1000),
    chat: { id: chats.numberOf(m.chat_id), type: m.chat_type },
    from: {
      id: users.numberOf(m.user_id),
      is_bot: false,
      first_name: m.username,
      username: m.username,
    },
    text,
  });

  const methods: Record<
    string,
    (
      token: string,
      secret: Uint8Array,
      p: Record<string, unknown>,
      res: Response,
    ) => Promise<unknown>
  > = {
    async getMe(token) {
      const { bot } = await upstream.call<BotView>(token, 'GET', '/me');
      return {
        id: users.numberOf(bot.user_id),
        is_bot: true,
        first_name: bot.name,
        username: bot.username,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      };
    },
    async deleteWebhook(token) {
      await upstream.call(token, 'DELETE', '/webhook').catch((err: unknown) => {
        // No webhook to delete is what was wanted.
        if (!(err instanceof UpstreamError && err.status === 404)) throw err;
      });
      return true;
    },
    async getUpdates(token, secret, p, res) {
      // Telegram's default is no wait; the Quanta API's is 30 s.
      const q = new URLSearchParams({ timeout: '0' });
      for (const k of ['offset', 'limit', 'timeout'] as const) {
        if (typeof p[k] === 'number' || typeof p[k] === 'string') q.set(k, String(p[k]));
      }
      // A client that hangs up (a stopping bot) ends the long poll upstream too, so its next
      // poll is not queued behind this one.
      const gone = new AbortController();
      res.once('close', () => {
        if (!res.writableEnded) gone.abort();
      });
      const { updates } = await upstream
        .call<{ updates: QuantaUpdate[] }>(
          token,
          'GET',
          `/updates?${q.toString()}`,
          undefined,
          gone.signal,
        )
        .catch((err: unknown) => {
          if (gone.signal.aborted) return { updates: [] };
          throw err;
        });
      return updates.map((u) => {
        // Only text messages are translated; anything else is passed over as an empty update.
        if (u.type !== 'message' || u.payload.chat_type !== 'private')
          return { update_id: u.update_id };
        const m = u.payload;
        const peer = m.payload?.sender_public_key;
        const text =
          m.payload?.nonce && peer
            ? openText({ box: m.content, nonce: m.payload.nonce }, peer, secret)
            : m.content;
        if (peer) {
          peerKeys.delete(m.chat_id); // re-inserted last: the oldest chats are forgotten first
          peerKeys.set(m.chat_id, peer);
          if (peerKeys.size > MAX_CHATS) peerKeys.delete(peerKeys.keys().next().value!);
        }
        return { update_id: u.update_id, message: toTgMessage(m, text ?? '') };
      });
    },
    async sendMessage(token, secret, p) {
      // A number, or its digits as a string (form-encoded clients).
      const n =
        typeof p.chat_id === 'number' || typeof p.chat_id === 'string' ? Number(p.chat_id) : NaN;
      const chatId = Number.isSafeInteger(n) ? chats.uuidOf(n) : undefined;
      if (!chatId) throw new MethodError(400, 'Bad Request: chat not found');
      if (typeof p.text !== 'string' || p.text === '') {
        throw new MethodError(400, 'Bad Request: message text is empty');
      }
      const peer = peerKeys.get(chatId);
      const body = peer
        ? (() => {
            const sealed = boxText(p.text, Buffer.from(peer, 'base64'), secret);
            return { chat_id: chatId, content: sealed.box, payload: { nonce: sealed.nonce } };
          })()
        : { chat_id: chatId, content: p.text };
      const { message: sent } = await upstream.call<{ message: SentMessage }>(
        token,
        'POST',
        '/send-message',
        body,
      );
      return {
        message_id: messages.numberOf(sent.id),
        date: Math.floor(Date.parse(sent.created_at) / 1000),
        chat: { id: n, type: 'private' },
        from: {
          id: users.numberOf(sent.sender.id),
          is_bot: true,
          first_name: sent.sender.username,
          username: sent.sender.username,
        },
        text: p.text,
      };
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.all('/bot:token/:method', async (req: Request, res: Response) => {
    const token = String(req.params.token);
    const method = String(req.params.method);
    const botId = TOKEN.exec(token)?.[1];
    const secret = botId === undefined ? undefined : keys.secretOf(botId);
    if (!secret) {
      res.status(401).json({ ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!handler) {
      res.status(404).json({
        ok: false,
        error_code: 404,
        description: `Not Found: ${method.slice(0, 64)} is not served by the self-hosted gateway`,
      });
      return;
    }
    const params = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as object) };
    try {
      res.json({ ok: true, result: await handler(token, secret, params, res) });
    } catch (err) {
      const code = err instanceof MethodError || err instanceof UpstreamError ? err : null;
      if (!code)
        log.error({ err: (err as Error).message, method }, 'self-hosted gateway call failed');
      const status =
        err instanceof MethodError ? err.code : err instanceof UpstreamError ? err.status : 502;
      const description =
        err instanceof MethodError
          ? err.description
          : err instanceof UpstreamError
            ? err.description
            : 'Bad Gateway';
      if (!res.headersSent) res.status(status).json({ ok: false, error_code: status, description });
    }
  });
  return app;
}
