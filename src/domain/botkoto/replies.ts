// What @BotKoto says. Plain text; the keyboards are built by the conversation.
import type { BotTokens } from '../bots/api-key';
import type { BotCommand } from '../bots/bots.schemas';

export const BOTKOTO_COMMANDS: BotCommand[] = [
  { command: 'newbot', description: 'create a new bot' },
  { command: 'mybots', description: 'edit your bots' },
  { command: 'token', description: 'generate a new token (the old one stops working)' },
  { command: 'setcommands', description: "change a bot's list of commands" },
  { command: 'setdescription', description: "change a bot's description" },
  { command: 'setwebapp', description: "set a bot's mini app (the menu button's URL)" },
  { command: 'deletebot', description: 'delete a bot' },
  { command: 'cancel', description: 'cancel the current operation' },
];

export const HELP = [
  'I can help you create and manage Koto bots.',
  '',
  ...BOTKOTO_COMMANDS.map((c) => `/${c.command} - ${c.description}`),
].join('\n');

export const ASK_NAME =
  'Alright, a new bot. How are we going to call it? Please choose a name for your bot.';
export const ASK_USERNAME =
  "Good. Now let's choose a username for your bot. It must end in `bot` and be 4-32 characters of a-z, 0-9 and _, like tetris_bot.";
export const USERNAME_TAKEN =
  'Sorry, this username is already taken. Please try something different.';
export const NO_BOTS = "You don't have any bots yet. Use /newbot to create one.";
export const CHOOSE_BOT = 'Choose a bot:';
export const CANCELLED = 'The command was cancelled. Anything else I can do for you? /help';
export const NOTHING_TO_CANCEL = 'No active command to cancel. /help';
export const UNKNOWN = 'Unrecognized command. Say what? /help';
export const BOT_GONE = 'That bot is gone (deleted, or not yours). /mybots';
export const ASK_COMMANDS =
  'Send me the list of commands, one per line, as `command - description`. Send /empty to clear the list.';
export const ASK_WEBAPP =
  'Send me the https URL of the mini app its menu button opens. /empty removes it.';
export const ASK_DESCRIPTION =
  'Send me the new description (up to 512 characters). /empty clears it.';

export const tooManyBots = (max: string | undefined) =>
  `Sorry, you can't have more than ${max ?? 'that many'} bots. Delete one with /deletebot first.`;

export const invalidInput = (what: string, why: string) =>
  `Sorry, the ${what} ${why}. Try again, or /cancel.`;

export function created(username: string, t: BotTokens): string {
  return [
    `Done! Congratulations on your new bot. You will find it at @${username}.`,
    '',
    'Use this token to access the Koto API:',
    t.kotoToken,
    '',
    'The same key for Telegram client libraries:',
    t.telegramToken,
    '',
    'and for the Quanta API:',
    t.apiKey,
    '',
    'Keep your token secure: anyone who has it controls your bot. /token makes a new one.',
  ].join('\n');
}

export function rotated(username: string, t: BotTokens): string {
  return [
    `The token of @${username} was replaced; the old one stopped working.`,
    '',
    `Koto: ${t.kotoToken}`,
    `Telegram libraries: ${t.telegramToken}`,
    `Quanta: ${t.apiKey}`,
  ].join('\n');
}

export const botMenu = (username: string, name: string) =>
  `Here it is: ${name} @${username}. What do you want to do with the bot?`;
export const confirmDelete = (username: string) =>
  `You are about to delete your bot @${username}. Is that correct?`;
export const deleted = (username: string) => `Done! The bot @${username} is gone. /help`;
export const commandsSet = (username: string, n: number) =>
  `Success! The command list of @${username} is updated (${n} commands). /help`;
export const descriptionSet = (username: string) =>
  `Success! The description of @${username} is updated. /help`;
export const webAppSet = (username: string, url: string | null) =>
  url
    ? `Success! The menu button of @${username} opens ${url}. /help`
    : `Done: @${username} has no mini app now. /help`;
