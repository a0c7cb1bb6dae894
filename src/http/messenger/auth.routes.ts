import { Router } from 'express';
import type { AccountsService } from '../../domain/accounts/accounts.service';
import { loginBody, registerBody } from '../../domain/accounts/accounts.schemas';
import { parse } from '../../domain/validation';
import { requireUser } from '../auth';
import { userOf } from '../context';
import { sessionView, toPublicUser } from './user-view';

export function authRoutes(accounts: AccountsService): Router {
  const r = Router();
  r.post('/register', async (req, res) => {
    res.status(201).json(sessionView(await accounts.register(parse(registerBody, req.body))));
  });
  r.post('/login', async (req, res) => {
    res.json(sessionView(await accounts.login(parse(loginBody, req.body))));
  });
  r.get('/me', requireUser(accounts), (req, res) => {
    res.json({ user: toPublicUser(userOf(req)) });
  });
  return r;
}
