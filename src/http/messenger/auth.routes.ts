import { Router } from 'express';
import type { AccountsService } from '../../domain/accounts/accounts.service';
import { loginBody, registerBody } from '../../domain/accounts/accounts.schemas';
import { parse } from '../../domain/validation';
import { userOf } from '../context';
import { sessionView, toPublicUser } from './user-view';

/** Sign-up and sign-in: the messenger routes that take no JWT. */
export function signInRoutes(accounts: AccountsService): Router {
  const r = Router();
  r.post('/register', async (req, res) => {
    res.status(201).json(sessionView(await accounts.register(parse(registerBody, req.body))));
  });
  r.post('/login', async (req, res) => {
    res.json(sessionView(await accounts.login(parse(loginBody, req.body))));
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
