import jwt from 'jsonwebtoken';
import { appError } from '../errors';

export interface JwtSettings {
  secret: string;
  ttlSeconds: number;
}

export function signUserToken(s: JwtSettings, userId: string): string {
  return jwt.sign({}, s.secret, { algorithm: 'HS256', expiresIn: s.ttlSeconds, subject: userId });
}

/** The user id in a valid token. The algorithm is pinned: `none` and RS/HS confusion fail. */
export function verifyUserToken(s: JwtSettings, token: string): string {
  try {
    const claims = jwt.verify(token, s.secret, { algorithms: ['HS256'] });
    if (typeof claims === 'string' || typeof claims.sub !== 'string') throw new Error('no sub');
    return claims.sub;
  } catch {
    throw appError('invalid_user_token');
  }
}

const CACHE_MAX = 10_000;

/**
 * verifyUserToken with a cache of tokens already verified (~0.5 ms of HMAC and parsing
 * saved per request). Keyed by the whole token, so only a byte-identical token hits; the
 * expiry is still enforced on every hit.
 */
export function cachedVerifier(s: JwtSettings): (token: string) => string {
  const verified = new Map<string, { sub: string; expMs: number }>();
  return (token) => {
    const hit = verified.get(token);
    if (hit && hit.expMs > Date.now()) return hit.sub;
    const sub = verifyUserToken(s, token);
    const exp = (jwt.decode(token) as jwt.JwtPayload).exp!;
    if (verified.size >= CACHE_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { sub, expMs: exp * 1000 });
    return sub;
  };
}
