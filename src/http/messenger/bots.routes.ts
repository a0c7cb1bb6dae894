import { Router } from 'express';
import type { Services } from '../../services';
import { userOf } from '../context';
import { toBotProfileView } from './bot-profile-view';
import { op } from '../openapi/operation';
import { z } from 'zod';

/** Bots as people find them: a public profile by username (then `POST /chats {bot_id}`). */
export function botProfileRoutes(s: Services): Router {
  const r = Router();
  r.get('/bots/by-username/:username', async (req, res) => {
    userOf(req);
    const bot = await s.bots.byUsername(String(req.params.username));
    res.json({ bot: toBotProfileView(bot) });
  });
  return r;
}

/** OpenAPI registrations of `botProfileRoutes` (relative to /api/v1). */
export const botProfileDocs = [
  op('get', '/bots/by-username/:username', 'jwt', "A bot's public profile, by username", {
    answers: {
      200: {
        description: 'The profile (name, description, commands…)',
        schema: z.object({ bot: z.object({ id: z.uuid(), username: z.string() }).loose() }),
      },
    },
  }),
];
