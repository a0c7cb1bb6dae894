import { Router } from 'express';
import type { Services } from '../../services';
import { commandsOf } from '../../domain/bots/bots.service';
import { registerBotBody, setCommandsBody } from '../../domain/bots/bots.schemas';
import { parse } from '../../domain/validation';
import { requireBot, requireUser } from '../auth';
import { botOf, userOf } from '../context';
import { registeredBotView, toPublicBot } from './bot-view';

/** Bot registry: owner (JWT) routes and the bot's own (X-Bot-Token) profile routes. */
export function botRoutes({ accounts, bots }: Services): Router {
  const r = Router();
  const asOwner = requireUser(accounts);
  const asBot = requireBot(bots);

  r.post('/register', asOwner, async (req, res) => {
    const registered = await bots.register(userOf(req).id, parse(registerBotBody, req.body));
    res.status(201).json(registeredBotView(registered));
  });
  r.get('/my-bots', asOwner, async (req, res) => {
    res.json({ bots: (await bots.listOwned(userOf(req).id)).map(toPublicBot) });
  });
  r.delete('/delete/:bot_id', asOwner, async (req, res) => {
    await bots.delete(userOf(req).id, String(req.params.bot_id));
    res.json({ ok: true });
  });

  r.get('/me', asBot, (req, res) => {
    res.json({ bot: toPublicBot(botOf(req)) });
  });
  r.post('/set-commands', asBot, async (req, res) => {
    const { commands } = parse(setCommandsBody, req.body);
    const bot = await bots.setCommands(botOf(req), commands);
    res.json({ ok: true, commands: commandsOf(bot) });
  });
  return r;
}
