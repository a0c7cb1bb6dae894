// Runs @BotKoto's conversation in one worker at a time (the bot's drain lock), reading its
// update log with Telegram-style offsets: an update is acknowledged only by the poll after
// it was handled, so one read but not handled before a crash is read again after it.
import type { Infra, Services } from '../services';
import { BotKotoConversation } from '../domain/botkoto/conversation';
import { SessionsRepository } from '../domain/botkoto/sessions.repository';
import { ensureSystemBot } from '../domain/botkoto/system-bot';
import { withBotLock } from './webhooks/bot-lock';

const POLL_S = 25;
/** How long a worker without the lock waits before asking again. */
const RETRY_MS = 5_000;

export async function startBotKoto(infra: Infra, services: Services): Promise<() => Promise<void>> {
  const { config, log, db, sql, redis } = infra;
  const me = config.BOTKOTO_ENABLED
    ? await ensureSystemBot(db, services.bots, config.BOTKOTO_USERNAME, log)
    : undefined;
  if (!me) return () => Promise.resolve();
  const conversation = new BotKotoConversation(services, new SessionsRepository(sql), me);
  const stop = new AbortController();

  const drain = async (confirm: () => Promise<boolean>) => {
    let offset = 0;
    while (!stop.signal.aborted) {
      const batch = await services.updates.poll(
        me,
        { timeoutS: POLL_S, limit: 20, offset },
        stop.signal,
      );
      for (const u of batch) {
        if (!(await confirm())) return;
        await conversation.handle(u).catch((err: Error) =>
          // One bad turn must not stall everyone else's: logged and skipped.
          log.error(
            { err: err.message, updateId: u.updateId },
            'botkoto could not handle an update',
          ),
        );
        offset = u.updateId + 1;
      }
    }
  };

  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const outcome = await withBotLock(redis, log, me.id, (lock) => drain(() => lock.confirm()));
        if (outcome === 'done') continue;
      } catch (err) {
        if (!stop.signal.aborted) log.warn({ err: (err as Error).message }, 'botkoto poll failed');
      }
      await sleep(RETRY_MS, stop.signal);
    }
  })();

  return async () => {
    stop.abort();
    await loop;
  };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
