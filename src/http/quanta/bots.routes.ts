import { Router } from 'express';
import type { Services } from '../../services';
import { toPublicBot } from '../../domain/bots/bots.service';
import { authenticateUser } from '../auth';
import { botOf, userOf } from '../context';

/** The bot registry, for owners: JWT in `Authorization`, not a bot token. */
export function ownerRoutes({ accounts, bots }: Services): Router {
  const r = Router();
  // Per route: under the bot prefix, other requests may carry an unrelated Authorization.
  const asOwner = authenticateUser(accounts);

  r.post('/register', asOwner, async (req, res) => {
    res.status(201).json(await bots.register(userOf(req).id, req.body));
  });
  r.get('/my-bots', asOwner, async (req, res) => {
    res.json({ bots: await bots.listOwned(userOf(req).id) });
  });
  r.delete('/delete/:bot_id', asOwner, async (req, res) => {
    await bots.delete(userOf(req).id, String(req.params.bot_id));
    res.json({ ok: true });
  });
  return r;
}

/** The bot's own profile. */
export function botRoutes({ bots }: Services): Router {
  const r = Router();
  r.get('/me', (req, res) => {
    res.json({ bot: toPublicBot(botOf(req)) });
  });
  r.post('/set-commands', async (req, res) => {
    const bot = await bots.setCommands(botOf(req), req.body);
    res.json({ ok: true, commands: bot.commands });
  });
  return r;
}
