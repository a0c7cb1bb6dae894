// @BotKoto's side of a conversation: BotFather's commands over the owner API's services.
// Each update is handled once per person (Session.handledUpdateId), so reading an update again
// after a restart does not create or rotate twice.
import type { Services } from '../../services';
import type { BotWithUser } from '../bots/bots.service';
import { commands as commandsSchema, registerBotBody } from '../bots/bots.schemas';
import { AppError } from '../errors';
import type { InlineButton, Person } from '../messages/message';
import type { Update } from '../updates/update';
import * as say from './replies';
import type { Session, SessionsRepository } from './sessions.repository';

/** Bots listed in one keyboard; MAX_BOTS_PER_OWNER is 20 by default. */
const LISTED = 100;
const DESCRIPTION_MAX = 512;

/** A button's `callback_data`: an action and the bot it is about. */
type Action = 'bot' | 'token' | 'cmds' | 'desc' | 'app' | 'del' | 'delyes' | 'cancel';
const ACTIONS = new Set<string>(['bot', 'token', 'cmds', 'desc', 'app', 'del', 'delyes', 'cancel']);

interface Turn {
  person: Person;
  chatId: string;
  session: Session;
}

export class BotKotoConversation {
  constructor(
    private readonly s: Services,
    private readonly sessions: SessionsRepository,
    private readonly me: BotWithUser,
  ) {}

  async handle(u: Update): Promise<void> {
    if (u.kind === 'message') {
      const m = u.message;
      await this.turn(u.updateId, m.sender, m.chatId, (t) =>
        this.onMessage(t, m.content, u.command?.name ?? null),
      );
    } else if (u.kind === 'callback') {
      await this.turn(u.updateId, u.from, u.message.chatId, (t) =>
        this.onTap(t, u.callbackId, u.data),
      );
    }
  }

  private async turn(
    updateId: number,
    person: Person,
    chatId: string,
    act: (t: Turn) => Promise<Session>,
  ): Promise<void> {
    if (person.isBot) return;
    const session = await this.sessions.get(person.id);
    if (updateId <= session.handledUpdateId) return;
    const next = await act({ person, chatId, session });
    await this.sessions.put(person.id, { ...next, handledUpdateId: updateId });
  }

  private async onMessage(t: Turn, text: string, command: string | null): Promise<Session> {
    switch (command) {
      case 'start':
      case 'help':
        return this.reply(t, say.HELP, idleSession);
      case 'cancel':
        return this.reply(
          t,
          t.session.step === 'idle' ? say.NOTHING_TO_CANCEL : say.CANCELLED,
          idleSession,
        );
      case 'newbot':
        return this.reply(t, say.ASK_NAME, { step: 'newbot_name', handledUpdateId: 0 });
      case 'mybots':
        return this.chooseBot(t, 'bot', idleSession);
      case 'token':
        return this.chooseBot(t, 'token', idleSession);
      case 'setcommands':
        return this.chooseBot(t, 'cmds', idleSession);
      case 'setdescription':
        return this.chooseBot(t, 'desc', idleSession);
      case 'setwebapp':
        return this.chooseBot(t, 'app', idleSession);
      case 'deletebot':
        return this.chooseBot(t, 'del', idleSession);
      default:
        break; // text, or a command of a step (/empty), or an unknown one
    }
    const empty = command === 'empty';
    if (command !== null && !empty) return this.reply(t, say.UNKNOWN, t.session);
    switch (t.session.step) {
      case 'newbot_name':
        return this.gotName(t, text);
      case 'newbot_username':
        return this.gotUsername(t, text);
      case 'setcommands':
        return this.gotCommands(t, empty ? '' : text);
      case 'setdescription':
        return this.gotDescription(t, empty ? '' : text);
      case 'setwebapp':
        return this.gotWebApp(t, empty ? '' : text.trim());
      case 'idle':
        return this.reply(t, say.UNKNOWN, t.session);
    }
  }

  private async gotName(t: Turn, text: string): Promise<Session> {
    const r = registerBotBody.shape.name.safeParse(text);
    if (!r.success) return this.reply(t, say.invalidInput('name', firstIssue(r.error)), t.session);
    return this.reply(t, say.ASK_USERNAME, {
      step: 'newbot_username',
      name: r.data,
      handledUpdateId: 0,
    });
  }

  private async gotUsername(t: Turn, text: string): Promise<Session> {
    const r = registerBotBody.shape.username.unwrap().safeParse(text.replace(/^@/, ''));
    if (!r.success)
      return this.reply(t, say.invalidInput('username', firstIssue(r.error)), t.session);
    try {
      const made = await this.s.bots.register(t.person.id, {
        name: t.session.name!,
        username: r.data,
      });
      return this.reply(t, say.created(made.bot.user.username, made), idleSession);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.reason === 'bot_username_taken') return this.reply(t, say.USERNAME_TAKEN, t.session);
      if (err.reason === 'too_many_bots')
        return this.reply(t, say.tooManyBots(err.detail), idleSession);
      throw err;
    }
  }

  private async gotCommands(t: Turn, text: string): Promise<Session> {
    const bot = await this.owned(t, t.session.botId);
    if (!bot) return this.reply(t, say.BOT_GONE, idleSession);
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const parsed = commandsSchema.safeParse(
      lines.map((l) => {
        const [command = '', ...rest] = l.replace(/^\//, '').split(/\s+-\s+/);
        return { command: command.trim().toLowerCase(), description: rest.join(' - ') };
      }),
    );
    if (!parsed.success)
      return this.reply(t, say.invalidInput('list', firstIssue(parsed.error)), t.session);
    await this.s.bots.setCommands(bot, parsed.data);
    return this.reply(t, say.commandsSet(bot.user.username, parsed.data.length), idleSession);
  }

  private async gotDescription(t: Turn, text: string): Promise<Session> {
    const bot = await this.owned(t, t.session.botId);
    if (!bot) return this.reply(t, say.BOT_GONE, idleSession);
    if (text.length > DESCRIPTION_MAX) {
      return this.reply(
        t,
        say.invalidInput('description', `must be at most ${DESCRIPTION_MAX} characters`),
        t.session,
      );
    }
    await this.s.bots.setProfile(bot, { description: text });
    return this.reply(t, say.descriptionSet(bot.user.username), idleSession);
  }

  private async gotWebApp(t: Turn, url: string): Promise<Session> {
    const bot = await this.owned(t, t.session.botId);
    if (!bot) return this.reply(t, say.BOT_GONE, idleSession);
    try {
      await this.s.bots.setWebApp(bot, undefined, url ? { url } : null);
    } catch (err) {
      if (!(err instanceof AppError) || err.reason !== 'invalid_field') throw err;
      return this.reply(t, say.invalidInput('URL', err.detail ?? 'is not valid'), t.session);
    }
    return this.reply(t, say.webAppSet(bot.user.username, url || null), idleSession);
  }

  private async onTap(t: Turn, callbackId: string, data: string): Promise<Session> {
    await this.s.callbacks.answer(this.me, { callbackId });
    const [action = '', botId] = data.split(':');
    if (!ACTIONS.has(action)) return t.session;
    if (action === 'cancel') return this.reply(t, say.CANCELLED, idleSession);
    const bot = await this.owned(t, botId);
    if (!bot) return this.reply(t, say.BOT_GONE, idleSession);
    const name = bot.user.username;
    switch (action as Exclude<Action, 'cancel'>) {
      case 'bot':
        return this.reply(t, say.botMenu(name, bot.name), t.session, [
          [button('API token', 'token', bot), button('Edit commands', 'cmds', bot)],
          [button('Edit description', 'desc', bot), button('Edit mini app', 'app', bot)],
          [button('Delete bot', 'del', bot)],
        ]);
      case 'token': {
        const made = await this.s.bots.rotateKey(t.person.id, bot.id);
        return this.reply(t, say.rotated(name, made), idleSession);
      }
      case 'cmds':
        return this.reply(t, say.ASK_COMMANDS, {
          step: 'setcommands',
          botId: bot.id,
          handledUpdateId: 0,
        });
      case 'desc':
        return this.reply(t, say.ASK_DESCRIPTION, {
          step: 'setdescription',
          botId: bot.id,
          handledUpdateId: 0,
        });
      case 'app':
        return this.reply(t, say.ASK_WEBAPP, {
          step: 'setwebapp',
          botId: bot.id,
          handledUpdateId: 0,
        });
      case 'del':
        return this.reply(t, say.confirmDelete(name), t.session, [
          [button(`Yes, delete @${name}`, 'delyes', bot)],
          [{ text: 'No', callback_data: 'cancel' }],
        ]);
      case 'delyes':
        await this.s.bots.delete(t.person.id, bot.id);
        return this.reply(t, say.deleted(name), idleSession);
    }
  }

  /** A keyboard of the person's bots whose taps do `action`. */
  private async chooseBot(t: Turn, action: Action, next: Session): Promise<Session> {
    const { items } = await this.s.bots.listOwned(t.person.id, { limit: LISTED });
    if (items.length === 0) return this.reply(t, say.NO_BOTS, next);
    const rows = items.map((b) => [button(`@${b.user.username}`, action, b)]);
    return this.reply(t, say.CHOOSE_BOT, next, rows);
  }

  /** The person's bot, or undefined: taps and sessions may outlive the bot. */
  private async owned(t: Turn, botId: string | undefined): Promise<BotWithUser | undefined> {
    if (!botId) return undefined;
    return this.s.bots.ownedBy(t.person.id, botId);
  }

  private async reply(
    t: Turn,
    text: string,
    next: Session,
    buttons?: InlineButton[][],
  ): Promise<Session> {
    await this.s.messages.sendAsBot(this.me, t.chatId, {
      content: text,
      ...(buttons && { payload: { buttons } }),
    });
    return next;
  }
}

const idleSession: Session = { step: 'idle', handledUpdateId: 0 };

const button = (text: string, action: Action, bot: { id: string }): InlineButton => ({
  text,
  callback_data: `${action}:${bot.id}`,
});

const firstIssue = (e: { issues: { message: string }[] }) => e.issues[0]?.message ?? 'is not valid';
