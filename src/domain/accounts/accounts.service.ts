import { newTgId } from '../users/tg-id';
import type { Db, Sql } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import { isUniqueViolation } from '../db-errors';
import type { LoginCommand, RegisterCommand } from './accounts.schemas';
import type { PasswordHasher } from './password';
import { guessablePassword } from './password-policy';
import type { AttemptOutcome, SignInLimits } from './sign-in-limits';
import type { UserTokens } from './user-tokens';
import { AccountsRepository } from './accounts.repository';
import type { BusCache } from '../../realtime/bus-cache';
import { USERS_CHANGED, userBytes } from '../users/people-cache';

/** A signed-in account: the user and the JWT that names it. */
export interface Session {
  user: User;
  token: string;
}

export interface AccountsDeps {
  tokens: UserTokens;
  limits: SignInLimits;
  hasher: PasswordHasher;
  /** People's rows by id (see people-cache.ts); every change to one goes through invalidate. */
  people: BusCache<User>;
}

/**
 * `client` names where a request comes from (its address, as the edge sees it): the sign-in
 * limits and the hashing share are counted per client.
 */
export class AccountsService {
  private readonly repo: AccountsRepository;
  private readonly tokens: UserTokens;
  private readonly limits: SignInLimits;
  private readonly hasher: PasswordHasher;
  private readonly people: BusCache<User>;

  constructor(
    private readonly db: Db,
    sql: Sql,
    deps: AccountsDeps,
  ) {
    this.repo = new AccountsRepository(sql);
    ({ tokens: this.tokens, limits: this.limits, hasher: this.hasher, people: this.people } = deps);
  }

  async register(body: RegisterCommand, client: string): Promise<Session> {
    const counted = await this.limits.beginRegistration(client);
    // After the limit: scoring costs up to tens of milliseconds of CPU.
    const weak = guessablePassword(body.password, [body.username, body.display_name ?? '']);
    if (weak) throw invalid('password', weak);
    let passwordHash: string;
    try {
      passwordHash = await this.hasher.hash(body.password, client);
    } catch (err) {
      await counted.refund();
      throw err;
    }
    try {
      const user = await this.db.user.create({
        data: {
          username: body.username,
          displayName: body.display_name ?? body.username,
          passwordHash,
          tgId: newTgId(),
        },
      });
      return { user, token: this.tokens.issue(user.id, user.tokenVersion) };
    } catch (err) {
      if (isUniqueViolation(err)) throw appError('username_taken');
      throw err;
    }
  }

  async login(body: LoginCommand, client: string): Promise<Session> {
    const attempt = await this.limits.beginLogin(client, body.username);
    let outcome: AttemptOutcome = 'not_checked';
    try {
      const user = await this.db.user.findUnique({ where: { username: body.username } });
      // Same work and the same answer whether the user is unknown or the password wrong.
      const ok = await this.hasher.verify(body.password, user?.passwordHash, client);
      outcome = user && ok ? 'succeeded' : 'failed';
      if (!user || !ok) throw appError('bad_credentials');
      return { user, token: this.tokens.issue(user.id, user.tokenVersion) };
    } finally {
      await attempt.end(outcome);
    }
  }

  /** The NaCl box public key others encrypt to (replaces the previous one). */
  async setPublicKey(user: User, publicKey: string): Promise<User> {
    const updated = await this.db.user.update({ where: { id: user.id }, data: { publicKey } });
    await this.changed(user.id);
    return updated;
  }

  /**
   * The account behind a JWT. A token for a deleted account, one logged out, and one older
   * than the account's last "sign out everywhere" are as bad as a forged one.
   */
  async authenticate(token: string): Promise<User> {
    const claims = await this.tokens.verify(token);
    if (!isUuid(claims.userId)) throw appError('invalid_user_token');
    const user = this.people.get(claims.userId) ?? (await this.lookup(claims.userId));
    if (!user || user.isBot || user.tokenVersion !== claims.version) {
      throw appError('invalid_user_token');
    }
    return user;
  }

  private async lookup(id: string): Promise<User | undefined> {
    const before = this.people.stamp();
    const user = await this.repo.userById(id);
    if (!user || user.isBot) return user;
    // Nothing past sign-in reads the hash (sign-in reads its own row): no process keeps it.
    user.passwordHash = null;
    this.people.put(id, [id], user, userBytes(user), before);
    return user;
  }

  /** After a person's row changed: no process answers from the old one once this resolves. */
  private changed(userId: string): Promise<void> {
    return this.people.invalidate(USERS_CHANGED, userId);
  }

  /** End this token, at once and in every process. */
  async logout(token: string): Promise<void> {
    await this.tokens.revoke(token, await this.tokens.verify(token));
  }

  /** End every token the user holds, this one included. */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.repo.bumpTokenVersion(userId);
    await this.changed(userId);
  }
}
