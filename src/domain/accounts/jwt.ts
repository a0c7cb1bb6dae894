import { createHash, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { appError } from '../errors';

export interface JwtSettings {
  secret: string;
  ttlSeconds: number;
}

/** What a valid user token says. */
export interface UserTokenClaims {
  /** The user id (`sub`). */
  userId: string;
  /** The user's token version when it was issued (`ver`): "sign out everywhere" bumps it. */
  version: number;
  /**
   * Names this one token for logout: its `jti`, or for a token issued before tokens had
   * one, a digest of the token itself.
   */
  tokenId: string;
  /** Expiry, Unix seconds (`exp`). */
  expiresAt: number;
}

export function signUserToken(s: JwtSettings, userId: string, version: number): string {
  return jwt.sign({ ver: version }, s.secret, {
    algorithm: 'HS256',
    expiresIn: s.ttlSeconds,
    subject: userId,
    jwtid: randomUUID(),
  });
}

const isVersion = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * The claims of a valid token. The algorithm is pinned (`none` and RS/HS confusion fail), and
 * a token must expire: jsonwebtoken checks `exp` only when present, so one signed without it
 * (a leaked secret's forgery, a hand-made test token) would otherwise be good forever.
 */
export function verifyUserToken(s: JwtSettings, token: string): UserTokenClaims {
  try {
    const claims = jwt.verify(token, s.secret, { algorithms: ['HS256'] });
    if (typeof claims === 'string') throw new Error('not a JSON payload');
    const { sub, exp, ver = 0, jti } = claims as jwt.JwtPayload & { ver?: unknown };
    if (typeof sub !== 'string') throw new Error('no sub');
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new Error('no exp');
    // Tokens from before versions existed carry none: they belong to version 0.
    if (!isVersion(ver)) throw new Error('bad ver');
    return {
      userId: sub,
      version: ver,
      tokenId:
        typeof jti === 'string' && jti.length > 0 && jti.length <= 64
          ? jti
          : createHash('sha256').update(token).digest('base64url'),
      expiresAt: exp,
    };
  } catch {
    throw appError('invalid_user_token');
  }
}
