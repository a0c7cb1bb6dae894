import { Router, type RequestHandler } from 'express';
import type { Services } from '../../services';
import { commandsOf } from '../../domain/bots/bots.service';
import { editBotBody, registerBotBody, setCommandsBody } from '../../domain/bots/bots.schemas';
import { pageQuery } from '../../domain/pagination';
import { setPublicKeyBody } from '../../domain/e2e/e2e.schemas';
import { parse } from '../../domain/validation';
import { setWebAppBody } from '../../domain/webapps/webapps.schemas';
import { authenticateUser } from '../auth';
import { bodyAfterAuth, hasUser } from '../body';
import { botOf, userOf } from '../context';
import { sendMedia } from '../media-response';
import { registeredBotView, toPublicBot } from './bot-view';
import { attemptView, webhookInfoView } from './webhook-view';
import { appError } from '../../domain/errors';
import { z } from 'zod';
import { op } from '../openapi/operation';
import { bot, okAnswer, page, registeredBot } from '../openapi/wire';

/** The bot registry, for owners: JWT in `Authorization`, not a bot token. */
export function ownerRoutes({ accounts, bots, webhooks }: Services, body: RequestHandler): Router {
  const r = Router();
  // Per route: under the bot prefix, other requests may carry an unrelated Authorization.
  const asOwner = authenticateUser(accounts);

  r.post('/register', asOwner, bodyAfterAuth(body, hasUser), async (req, res) => {
    const registered = await bots.register(userOf(req).id, parse(registerBotBody, req.body));
    res.status(201).json(registeredBotView(registered));
  });
  // Oldest first, a page at a time; `bots` as before, `next_cursor` for the next page.
  r.get('/my-bots', asOwner, async (req, res) => {
    const page = await bots.listOwned(userOf(req).id, parse(pageQuery, req.query));
    res.json({ bots: page.items.map(toPublicBot), next_cursor: page.nextCursor });
  });
  r.get('/avatar/:bot_id', asOwner, async (req, res) => {
    sendMedia(res, await bots.avatar(userOf(req).id, String(req.params.bot_id)));
  });
  r.post('/:bot_id/rotate-key', asOwner, async (req, res) => {
    const rotated = await bots.rotateKey(userOf(req).id, String(req.params.bot_id));
    res.json(registeredBotView(rotated));
  });
  r.put('/keys/:bot_id', asOwner, bodyAfterAuth(body, hasUser), async (req, res) => {
    const ownerId = userOf(req).id;
    const { public_key } = parse(setPublicKeyBody, req.body);
    const bot = await bots.setPublicKey(ownerId, String(req.params.bot_id), public_key);
    res.json({ bot: toPublicBot(bot) });
  });
  r.delete('/delete/:bot_id', asOwner, async (req, res) => {
    await bots.delete(userOf(req).id, String(req.params.bot_id));
    res.json({ ok: true });
  });
  // What the bot itself may set with its key, for the owner who holds only the JWT.
  r.patch('/profile/:bot_id', asOwner, bodyAfterAuth(body, hasUser), async (req, res) => {
    const ownerId = userOf(req).id;
    const bot = await bots.edit(ownerId, String(req.params.bot_id), parse(editBotBody, req.body));
    res.json({ bot: toPublicBot(bot) });
  });
  // The webhook status and the latest attempts, as the bot sees them (GET webhook, attempts).
  r.get('/webhook-state/:bot_id', asOwner, async (req, res) => {
    const ownerId = userOf(req).id;
    const { limit } = parse(webhookStateQuery, req.query);
    const bot = await bots.ownedBy(ownerId, String(req.params.bot_id));
    if (!bot) throw appError('bot_not_found');
    const [info, attempts] = await Promise.all([
      webhooks.info(bot.id),
      webhooks.attempts(bot.id, limit ?? 20),
    ]);
    res.json({ webhook: webhookInfoView(info), attempts: attempts.map(attemptView) });
  });
  return r;
}

/** `limit` of the owner's attempt log: 1–200 (the service's bound), 20 when absent. */
const webhookStateQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be an integer from 1 to 200')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200, 'must be an integer from 1 to 200')
    .optional(),
});

/** The bot's own profile. */
export function botRoutes({ bots }: Services): Router {
  const r = Router();
  r.get('/me', (req, res) => {
    res.json({ bot: toPublicBot(botOf(req)) });
  });
  // The token itself is needed: the init-data key is derived from it (see setWebApp).
  r.put('/webapp', async (req, res) => {
    const bot = botOf(req);
    const { url } = parse(setWebAppBody, req.body);
    const updated = await bots.setWebApp(bot, req.get('x-bot-token')!.trim(), { url });
    res.json({ ok: true, url: updated.webappUrl });
  });
  r.delete('/webapp', async (req, res) => {
    const bot = botOf(req);
    await bots.setWebApp(bot, req.get('x-bot-token')!.trim(), null);
    res.json({ ok: true });
  });
  r.post('/set-commands', async (req, res) => {
    const owner = botOf(req);
    const { commands } = parse(setCommandsBody, req.body);
    const bot = await bots.setCommands(owner, commands);
    res.json({ ok: true, commands: commandsOf(bot) });
  });
  return r;
}

/** OpenAPI registrations of `ownerRoutes` (relative to /api/v1/bot). */
export const ownerDocs = [
  op('post', '/register', 'jwt', 'Register a bot; answers its key, shown once', {
    body: registerBotBody,
    answers: { 201: { description: 'The bot and its key', schema: registeredBot } },
  }),
  op('get', '/my-bots', 'jwt', 'My bots, oldest first, a page at a time', {
    query: pageQuery,
    answers: { 200: { description: 'A page of bots', schema: page('bots', bot) } },
  }),
  op('get', '/avatar/:bot_id', 'jwt', "A bot's uploaded avatar", {
    answers: { 200: { description: 'The image', contentType: 'image/*' } },
  }),
  op('post', '/:bot_id/rotate-key', 'jwt', "Replace a bot's key; the old one stops working", {
    answers: { 200: { description: 'The bot and its new key', schema: registeredBot } },
  }),
  op('put', '/keys/:bot_id', 'jwt', 'Give a bot its own public key (self custody)', {
    body: setPublicKeyBody,
    answers: { 200: { description: 'The bot', schema: z.object({ bot }) } },
  }),
  op('delete', '/delete/:bot_id', 'jwt', 'Delete a bot', {
    answers: { 200: { description: 'Deleted', schema: okAnswer } },
  }),
  op('patch', '/profile/:bot_id', 'jwt', "Edit a bot's profile, commands, avatar and mini app", {
    body: editBotBody,
    answers: { 200: { description: 'The bot as it now is', schema: z.object({ bot }) } },
  }),
  op('get', '/webhook-state/:bot_id', 'jwt', "A bot's webhook status and latest attempts", {
    query: z.object({ limit: z.string().regex(/^\d+$/).optional() }),
    answers: {
      200: {
        description: 'The webhook (url "" when none) and attempts, newest first',
        schema: z.object({
          webhook: z.object({ url: z.string(), pending_update_count: z.number() }).loose(),
          attempts: z.array(z.object({}).loose()),
        }),
      },
    },
  }),
];

/** OpenAPI registrations of `botRoutes` (relative to /api/v1/bot). */
export const botDocs = [
  op('put', '/webapp', 'bot', 'Set the mini app the menu button opens (https)', {
    body: setWebAppBody,
    answers: {
      200: {
        description: 'The URL now set',
        schema: z.object({ ok: z.literal(true), url: z.string() }),
      },
    },
  }),
  op('delete', '/webapp', 'bot', "Remove the bot's mini app", {
    answers: { 200: { description: 'Removed', schema: okAnswer } },
  }),
  op('get', '/me', 'bot', 'The calling bot', {
    answers: { 200: { description: 'The bot', schema: z.object({ bot }) } },
  }),
  op('post', '/set-commands', 'bot', "Replace the bot's command list", {
    body: setCommandsBody,
    answers: {
      200: {
        description: 'The commands now set',
        schema: z.object({ ok: z.literal(true), commands: bot.shape.commands }),
      },
    },
  }),
];
