import jwt from 'jsonwebtoken';
import { unauthorized } from '../errors';

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
    throw unauthorized('invalid or expired token');
  }
}
