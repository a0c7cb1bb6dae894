import { Router } from 'express';
import type { AccountsService } from '../../domain/accounts/accounts.service';
import { toPublicUser } from '../../domain/accounts/accounts.service';
import { userOf } from '../context';

/** Sign-up and sign-in: the messenger routes that take no JWT. */
export function signInRoutes(accounts: AccountsService): Router {
  const r = Router();
  r.post('/register', async (req, res) => {
    res.status(201).json(await accounts.register(req.body));
  });
  r.post('/login', async (req, res) => {
    res.json(await accounts.login(req.body));
  });
  return r;
}

/** The signed-in account. */
export function accountRoutes(): Router {
  const r = Router();
  r.get('/me', (req, res) => {
    res.json({ user: toPublicUser(userOf(req)) });
  });
  return r;
}
