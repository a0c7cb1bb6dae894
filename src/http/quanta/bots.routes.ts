import { Router } from 'express';
import type { Services } from '../../services';
import { toPublicBot } from '../../domain/bots/bots.service';
import { requireBot, requireUser } from '../auth';
import { botOf, userOf } from '../context';

/** Bot registry: owner (JWT) routes and the bot's own (X-Bot-Token) profile routes. */
export function botRoutes({ accounts, bots }: Services): Router {
  const r = Router();
  const asOwner = requireUser(accounts);
  const asBot = requireBot(bots);

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

  r.get('/me', asBot, (req, res) => {
    res.json({ bot: toPublicBot(botOf(req)) });
  });
  r.post('/set-commands', asBot, async (req, res) => {
    const bot = await bots.setCommands(botOf(req), req.body);
    res.json({ ok: true, commands: bot.commands });
  });
  return r;
}
