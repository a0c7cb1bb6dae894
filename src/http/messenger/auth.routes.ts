import { Router } from 'express';
import type { AccountsService } from '../../domain/accounts/accounts.service';
import { loginBody, registerBody } from '../../domain/accounts/accounts.schemas';
import { setPublicKeyBody } from '../../domain/e2e/e2e.schemas';
import { parse } from '../../domain/validation';
import { bearerToken } from '../auth';
import { clientAddress } from '../client-address';
import { userOf } from '../context';
import { sessionView, toPublicUser } from './user-view';

/** Sign-up and sign-in: the messenger routes that take no JWT (limited per client address). */
export function signInRoutes(accounts: AccountsService): Router {
  const r = Router();
  r.post('/register', async (req, res) => {
    const session = await accounts.register(parse(registerBody, req.body), clientAddress(req));
    res.status(201).json(sessionView(session));
  });
  r.post('/login', async (req, res) => {
    res.json(sessionView(await accounts.login(parse(loginBody, req.body), clientAddress(req))));
  });
  return r;
}

/** The signed-in account. */
export function accountRoutes(accounts: AccountsService): Router {
  const r = Router();
  r.get('/me', (req, res) => {
    res.json({ user: toPublicUser(userOf(req)) });
  });
  // The token was authenticated by the prefix (userOf answers 401 when it was not).
  r.post('/logout', async (req, res) => {
    userOf(req);
    await accounts.logout(bearerToken(req.get('authorization'))!);
    res.status(204).end();
  });
  r.post('/logout-all', async (req, res) => {
    await accounts.logoutEverywhere(userOf(req).id);
    res.status(204).end();
  });
  r.put('/keys', async (req, res) => {
    const user = userOf(req);
    const { public_key } = parse(setPublicKeyBody, req.body);
    const updated = await accounts.setPublicKey(user, public_key);
    res.json({ public_key: updated.publicKey });
  });
  return r;
}
