import type { Db, Sql } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUuid } from '../ids';
import { isUniqueViolation } from '../db-errors';
import type { LoginCommand, RegisterCommand } from './accounts.schemas';
import { dummyHash, hashPassword, verifyPassword } from './password';
import { cachedVerifier, signUserToken, type JwtSettings } from './jwt';
import { AccountsRepository } from './accounts.repository';

/** A signed-in account: the user and the JWT that names it. */
export interface Session {
  user: User;
  token: string;
}

export class AccountsService {
  private readonly verify: (token: string) => string;
  private readonly repo: AccountsRepository;

  constructor(
    private readonly db: Db,
    sql: Sql,
    private readonly jwt: JwtSettings,
  ) {
    this.verify = cachedVerifier(jwt);
    this.repo = new AccountsRepository(sql);
  }

  async register(body: RegisterCommand): Promise<Session> {
    const passwordHash = await hashPassword(body.password);
    try {
      const user = await this.db.user.create({
        data: {
          username: body.username,
          displayName: body.display_name ?? body.username,
          passwordHash,
        },
      });
      return { user, token: signUserToken(this.jwt, user.id) };
    } catch (err) {
      if (isUniqueViolation(err)) throw appError('username_taken');
      throw err;
    }
  }

  async login(body: LoginCommand): Promise<Session> {
    const user = await this.db.user.findUnique({ where: { username: body.username } });
    // Same work and the same answer whether the user is unknown or the password wrong.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyHash));
    if (!user || !user.passwordHash || !ok) throw appError('bad_credentials');
    return { user, token: signUserToken(this.jwt, user.id) };
  }

  /** The NaCl box public key others encrypt to (replaces the previous one). */
  async setPublicKey(user: User, publicKey: string): Promise<User> {
    return this.db.user.update({ where: { id: user.id }, data: { publicKey } });
  }

  /** The account behind a JWT; a token for a deleted account is as bad as a forged one. */
  async authenticate(token: string): Promise<User> {
    const id = this.verify(token);
    if (!isUuid(id)) throw appError('invalid_user_token');
    const user = await this.repo.userById(id);
    if (!user || user.isBot) throw appError('invalid_user_token');
    return user;
  }
}
