import { Router } from 'express';
import type { Services } from '../../services';
import { setWebhookBody } from '../../domain/webhooks/webhooks.schemas';
import { parse } from '../../domain/validation';
import { botOf } from '../context';
import { attemptView, publicKeysView, webhookInfoView, webhookSetView } from './webhook-view';
import { z } from 'zod';
import { op } from '../openapi/operation';
import { okAnswer } from '../openapi/wire';

/** DELETE /webhook's query: anything but `true`/`false` is refused, not read as false. */
const removeQuery = z.object({ drop_pending_updates: z.enum(['true', 'false']).optional() });
/** GET /webhook/attempts' query: a whole number (clamped to 1…200), 50 when absent. */
const attemptsQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number')
    .optional(),
});

/** Quanta dialect: set, inspect and remove the webhook; attempts; the signing public keys. */
export function webhookRoutes(s: Services): Router {
  const r = Router();
  r.put('/webhook', async (req, res) => {
    const bot = botOf(req);
    const set = await s.webhooks.set(bot.id, parse(setWebhookBody, req.body), 'quanta');
    res.json(webhookSetView(set, await s.signingKeys.active()));
  });
  r.get('/webhook', async (req, res) => {
    res.json(webhookInfoView(await s.webhooks.info(botOf(req).id)));
  });
  r.delete('/webhook', async (req, res) => {
    const bot = botOf(req); // the credential first: a missing one is a 401, whatever the query
    const { drop_pending_updates } = parse(removeQuery, req.query);
    await s.webhooks.remove(bot.id, drop_pending_updates === 'true');
    res.json({ ok: true });
  });
  r.get('/webhook/attempts', async (req, res) => {
    const bot = botOf(req);
    const { limit } = parse(attemptsQuery, req.query);
    const attempts = await s.webhooks.attempts(bot.id, limit ? Number(limit) : 50);
    res.json({ attempts: attempts.map(attemptView) });
  });
  // Public: receivers fetch it to verify `v1a` signatures; no credential needed.
  r.get('/webhook/public-key', async (_req, res) => {
    res.json(publicKeysView(await s.signingKeys.verifying()));
  });
  return r;
}

const webhookInfo = z.object({ url: z.string().nullable() }).loose();

/** OpenAPI registrations of the routes above (relative to /api/v1/bot). */
export const webhookDocs = [
  op('put', '/webhook', 'bot', 'Set the webhook (updates are then POSTed, signed)', {
    body: setWebhookBody,
    answers: { 200: { description: 'The webhook and how to verify it', schema: okAnswer } },
  }),
  op('get', '/webhook', 'bot', 'The webhook and its delivery state', {
    answers: { 200: { description: 'The webhook', schema: webhookInfo } },
  }),
  op('delete', '/webhook', 'bot', 'Remove the webhook (back to long polling)', {
    query: removeQuery,
    answers: { 200: { description: 'Removed', schema: okAnswer } },
  }),
  op('get', '/webhook/attempts', 'bot', 'Recent delivery attempts', {
    query: attemptsQuery,
    answers: {
      200: {
        description: 'Attempts, newest first',
        schema: z.object({ attempts: z.array(z.object({}).loose()) }),
      },
    },
  }),
  op('get', '/webhook/public-key', 'none', 'The Ed25519 keys that sign v1a webhooks', {
    answers: { 200: { description: 'The verifying keys', schema: z.object({}).loose() } },
  }),
];
