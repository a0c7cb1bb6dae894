import { Router } from 'express';
import type { AccountsService } from '../../domain/accounts/accounts.service';
import { toPublicUser } from '../../domain/accounts/accounts.service';
import { requireUser } from '../auth';
import { userOf } from '../context';

export function authRoutes(accounts: AccountsService): Router {
  const r = Router();
  r.post('/register', async (req, res) => {
    res.status(201).json(await accounts.register(req.body));
  });
  r.post('/login', async (req, res) => {
    res.json(await accounts.login(req.body));
  });
  r.get('/me', requireUser(accounts), (req, res) => {
    res.json({ user: toPublicUser(userOf(req)) });
  });
  return r;
}
