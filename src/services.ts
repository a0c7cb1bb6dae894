import type { Config } from './config';
import type { Db } from './infra/db/prisma';
import type { Logger } from './infra/logger';
import type { Redis } from './infra/redis';
import { AccountsService } from './domain/accounts/accounts.service';
import { BotsService } from './domain/bots/bots.service';

/** Every domain service, built once per process and shared by the api and worker roles. */
export interface Services {
  accounts: AccountsService;
  bots: BotsService;
}

export interface Infra {
  config: Config;
  log: Logger;
  db: Db;
  redis: Redis;
}

export function createServices({ config, db }: Infra): Services {
  return {
    accounts: new AccountsService(db, { secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL }),
    bots: new BotsService(db),
  };
}
