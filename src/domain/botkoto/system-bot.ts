// @BotKoto, the system bot every install has: made on first start, owned by a system account
// that no one can sign in to (no password) or register (its name has a dot, which sign-up
// refuses). Its API key is thrown away: it runs inside the platform, never through the API.
import type { Db } from '../../infra/db/prisma';
import type { Logger } from '../../infra/logger';
import { isUniqueViolation } from '../db-errors';
import { newTgId } from '../users/tg-id';
import type { BotsService, BotWithUser } from '../bots/bots.service';
import { BOTKOTO_COMMANDS } from './replies';

/** Outside USERNAME_RULE, so no sign-up can take it. */
export const SYSTEM_OWNER = 'system.botkoto';

/**
 * The system bot, made if missing (every process may race to: the loser reads the winner's).
 * Undefined when the username belongs to someone else, with an error in the log.
 */
export async function ensureSystemBot(
  db: Db,
  bots: BotsService,
  username: string,
  log: Logger,
): Promise<BotWithUser | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner = await systemOwner(db);
    const found = await db.user.findUnique({
      where: { username },
      include: { botProfile: { include: { user: true } } },
    });
    if (found) {
      if (found.botProfile?.ownerId === owner.id) return found.botProfile;
      log.error({ username }, 'BOTKOTO_USERNAME is taken by an account; the system bot is off');
      return undefined;
    }
    try {
      const { bot } = await bots.register(owner.id, {
        name: 'BotKoto',
        username,
        description: 'Creates and manages your bots: /newbot to start.',
        commands: BOTKOTO_COMMANDS,
      });
      log.info({ username }, 'system bot created');
      return bot;
    } catch (err) {
      if (!isUniqueViolation(err) && !isTakenError(err)) throw err;
    }
  }
  return undefined;
}

async function systemOwner(db: Db) {
  try {
    return await db.user.upsert({
      where: { username: SYSTEM_OWNER },
      update: {},
      create: { username: SYSTEM_OWNER, displayName: 'Koto', tgId: newTgId() },
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return db.user.findUniqueOrThrow({ where: { username: SYSTEM_OWNER } });
  }
}

const isTakenError = (err: unknown) =>
  typeof err === 'object' && err !== null && 'reason' in err && err.reason === 'bot_username_taken';
