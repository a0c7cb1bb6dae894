import { z } from 'zod';
import { Router } from 'express';
import type { AccountsService } from '../../domain/accounts/accounts.service';
import { loginBody, registerBody } from '../../domain/accounts/accounts.schemas';
import { setPublicKeyBody } from '../../domain/e2e/e2e.schemas';
import { parse } from '../../domain/validation';
import { bearerToken } from '../auth';
import { clientAddress } from '../client-address';
import { userOf } from '../context';
import { sessionView, toPublicUser } from './user-view';
import { op } from '../openapi/operation';
import { publicUser, session } from '../openapi/wire';

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

/** OpenAPI registrations of the routes above (relative to /api/v1/auth). */
export const authDocs = [
  op('post', '/register', 'none', 'Create an account; answers a session', {
    body: registerBody,
    answers: { 201: { description: 'The account and its JWT', schema: session } },
  }),
  op('post', '/login', 'none', 'Sign in', {
    body: loginBody,
    answers: { 200: { description: 'The account and a new JWT', schema: session } },
  }),
  op('get', '/me', 'jwt', 'The signed-in account', {
    answers: { 200: { description: 'The account', schema: z.object({ user: publicUser }) } },
  }),
  op('post', '/logout', 'jwt', 'Revoke this JWT', { answers: { 204: { description: 'Done' } } }),
  op('post', '/logout-all', 'jwt', "Revoke every one of the account's JWTs", {
    answers: { 204: { description: 'Done' } },
  }),
  op('put', '/keys', 'jwt', 'Publish my end-to-end public key', {
    body: setPublicKeyBody,
    answers: {
      200: { description: 'The key now published', schema: z.object({ public_key: z.string() }) },
    },
  }),
];
