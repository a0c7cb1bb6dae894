import { Router } from 'express';
import type { Services } from '../../services';
import { botOf } from '../context';

/** Quanta dialect: set, inspect and remove the webhook; attempts; the signing public keys. */
export function webhookRoutes(s: Services): Router {
  const r = Router();
  r.put('/webhook', async (req, res) => {
    const set = await s.webhooks.set(botOf(req).id, req.body);
    const key = await s.signingKeys.active();
    res.json({ ok: true, ...set, public_key: key.whpk });
  });
  r.get('/webhook', async (req, res) => {
    res.json(await s.webhooks.info(botOf(req).id));
  });
  r.delete('/webhook', async (req, res) => {
    await s.webhooks.remove(botOf(req).id, req.query.drop_pending_updates === 'true');
    res.json({ ok: true });
  });
  r.get('/webhook/attempts', async (req, res) => {
    const limit = Number.parseInt(String(req.query.limit ?? '50'), 10);
    res.json({
      attempts: await s.webhooks.attempts(botOf(req).id, Number.isNaN(limit) ? 50 : limit),
    });
  });
  // Public: receivers fetch it to verify `v1a` signatures; no credential needed.
  r.get('/webhook/public-key', async (_req, res) => {
    const keys = await s.signingKeys.verifying();
    const active = keys.find((k) => k.active)!;
    res.json({ algorithm: 'ed25519', public_key: active.public_key, whpk: active.whpk, keys });
  });
  return r;
}
