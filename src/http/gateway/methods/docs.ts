// OpenAPI registrations of the gateway's methods: each method's parameters as the same zod
// schema it parses with. A method added to ./index.ts must be added here too (a test names
// the one missing). Telegram ignores unknown parameters, and so does the gateway.
import type { z } from 'zod';
import { op, type Operation } from '../../openapi/operation';
import { telegramOk } from '../../openapi/wire';
import {
  actionArgs,
  copyArgs,
  markupArgs,
  reactionArgs,
  refArgs,
  telegramForwardArgs,
  unpinArgs,
} from './actions';
import { answerArgs } from './callbacks';
import { setMyCommandsArgs } from './commands';
import { documentArgs, photoArgs } from './media';
import { editMessageTextArgs, sendMessageArgs } from './messages';
import { pollArgs } from './polls';
import { getChatArgs } from './reading';
import { setMenuButtonArgs } from './menu-button';
import { getFileArgs } from './files';
import { chatArgs, memberArgs } from './members';
import { descriptionArgs, nameArgs, shortArgs } from './profile';
import { getUpdatesArgs } from './updates';
import { deleteArgs, setArgs } from './webhooks';

const METHODS: Record<string, [summary: string, params?: z.ZodType]> = {
  getMe: ['The bot as a Telegram User'],
  getFile: ['A file the bot may see: its path under /file/bot<token>/', getFileArgs],
  copyMessage: ['Send a copy of a text message (no forward label)', copyArgs],
  getChatMember: ['A member of a chat the bot is in', memberArgs],
  getChatMemberCount: ["A chat's member count", chatArgs],
  leaveChat: ['Leave a group', chatArgs],
  setMyName: ["Set the bot's name (what people see)", nameArgs],
  getMyName: ["The bot's name"],
  setMyDescription: ["Set the bot's description", descriptionArgs],
  getMyDescription: ["The bot's description"],
  setMyShortDescription: ["Set the bot's short description", shortArgs],
  getMyShortDescription: ["The bot's short description"],
  logOut: ['Accepted and ignored (there is no cloud server to log out of): true'],
  close: ['Accepted and ignored: true'],
  setChatMenuButton: [
    "Set the bot's menu button (its mini app, or the command list)",
    setMenuButtonArgs,
  ],
  getChatMenuButton: ["The bot's menu button"],
  getUpdates: ['Long-poll for updates; offset acknowledges those below it', getUpdatesArgs],
  getChat: ['A chat the bot is in', getChatArgs],
  sendMessage: ['Send a text message, with an inline keyboard if any', sendMessageArgs],
  editMessageText: ["Edit the bot's message", editMessageTextArgs],
  answerCallbackQuery: ['Answer a button tap', answerArgs],
  setMyCommands: ["Replace the bot's command list", setMyCommandsArgs],
  getMyCommands: ["The bot's command list"],
  deleteMyCommands: ["Clear the bot's command list"],
  setWebhook: ['Set the webhook', setArgs],
  deleteWebhook: ['Remove the webhook', deleteArgs],
  getWebhookInfo: ['The webhook and its delivery state'],
  sendPhoto: ['Send a photo (multipart upload or base64)', photoArgs],
  sendDocument: ['Send a document (multipart upload or base64)', documentArgs],
  editMessageReplyMarkup: ["Replace a message's inline keyboard", markupArgs],
  deleteMessage: ["Delete the bot's message", refArgs],
  forwardMessage: ['Forward a message', telegramForwardArgs],
  sendPoll: ['Send a poll', pollArgs],
  pinChatMessage: ['Pin a message', refArgs],
  unpinChatMessage: ['Unpin a message', unpinArgs],
  setMessageReaction: ['React to a message', reactionArgs],
  sendChatAction: ['Show "typing…" and the like', actionArgs],
};

/** Telegram's spelling of every documented method. */
export const DOCUMENTED_METHODS: ReadonlySet<string> = new Set(Object.keys(METHODS));

/** One operation per method, as client libraries call it: POST /bot<token>/<method>. */
export const gatewayDocs: Operation[] = Object.entries(METHODS).map(([name, [summary, params]]) =>
  op('post', `/bot:token/${name}`, 'gateway', summary, {
    ...(params && { body: params }),
    answers: { 200: { description: 'The result in the Telegram envelope', schema: telegramOk } },
  }),
);
