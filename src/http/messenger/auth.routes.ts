import { Router } from 'express';
import type { AccountsService } from '../../domain/accounts/accounts.service';
import { loginBody, registerBody } from '../../domain/accounts/accounts.schemas';
import { setPublicKeyBody } from '../../domain/e2e/e2e.schemas';
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
export function accountRoutes(accounts: AccountsService): Router {
  const r = Router();
  r.get('/me', (req, res) => {
    res.json({ user: toPublicUser(userOf(req)) });
  });
  r.put('/keys', async (req, res) => {
    const user = userOf(req);
    const { public_key } = parse(setPublicKeyBody, req.body);
    const updated = await accounts.setPublicKey(user, public_key);
    res.json({ public_key: updated.publicKey });
  });
  return r;
}
