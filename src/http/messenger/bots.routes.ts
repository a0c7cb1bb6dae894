import { Router } from 'express';
import type { Services } from '../../services';
import { userOf } from '../context';
import { toBotProfileView } from './bot-profile-view';

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
