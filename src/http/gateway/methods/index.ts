// The method table: lower-cased Telegram method name → handler. Names are matched
// case-insensitively, as Telegram does.
import type { Method } from './types';
import { getChat, getMe } from './reading';
import { getUpdates } from './updates';
import { editMessageText, sendMessage } from './messages';
import { answerCallbackQuery } from './callbacks';
import { deleteMyCommands, getMyCommands, setMyCommands } from './commands';
import { getChatMenuButton, setChatMenuButton } from './menu-button';
import { deleteWebhook, getWebhookInfo, setWebhook } from './webhooks';
import { sendDocument, sendPhoto } from './media';
import { sendPoll } from './polls';
import { getFile } from './files';
import { getChatMember, getChatMemberCount, leaveChat } from './members';
import {
  close,
  getMyDescription,
  getMyName,
  getMyShortDescription,
  logOut,
  setMyDescription,
  setMyName,
  setMyShortDescription,
} from './profile';
import {
  copyMessage,
  deleteMessage,
  editMessageReplyMarkup,
  forwardMessage,
  pinChatMessage,
  sendChatAction,
  setMessageReaction,
  unpinChatMessage,
} from './actions';

const table: Record<string, Method> = {
  getMe,
  getUpdates,
  getChat,
  sendMessage,
  editMessageText,
  answerCallbackQuery,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setChatMenuButton,
  getChatMenuButton,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendPhoto,
  sendDocument,
  editMessageReplyMarkup,
  deleteMessage,
  forwardMessage,
  sendPoll,
  pinChatMessage,
  unpinChatMessage,
  setMessageReaction,
  sendChatAction,
  getFile,
  copyMessage,
  getChatMember,
  getChatMemberCount,
  leaveChat,
  setMyName,
  getMyName,
  setMyDescription,
  getMyDescription,
  setMyShortDescription,
  getMyShortDescription,
  logOut,
  close,
};

export const METHODS: ReadonlyMap<string, Method> = new Map(
  Object.entries(table).map(([name, fn]) => [name.toLowerCase(), fn]),
);

/** Lower-cased name → the name as Telegram spells it (metrics label requests with it). */
export const METHOD_NAMES: ReadonlyMap<string, string> = new Map(
  Object.keys(table).map((name) => [name.toLowerCase(), name]),
);
