import type { Config } from './config';
import type { Db, Sql } from './infra/db/prisma';
import type { Logger } from './infra/logger';
import type { Redis } from './infra/redis';
import type { WakeupBus } from './realtime/wakeup-bus';
import { AccountsService } from './domain/accounts/accounts.service';
import { BotsService } from './domain/bots/bots.service';
import { CallbacksService } from './domain/callbacks/callbacks.service';
import { ChatsService } from './domain/chats/chats.service';
import { DirectoryService } from './domain/directory/directory.service';
import { EventsService } from './domain/events/events.service';
import { Fanout } from './domain/messages/fanout';
import { MessagesService } from './domain/messages/messages.service';
import { UpdatesService } from './domain/updates/updates.service';

/** Every domain service, built once per process and shared by the api and worker roles. */
export interface Services {
  accounts: AccountsService;
  bots: BotsService;
  chats: ChatsService;
  messages: MessagesService;
  callbacks: CallbacksService;
  updates: UpdatesService;
  events: EventsService;
  directory: DirectoryService;
}

export interface Infra {
  config: Config;
  log: Logger;
  db: Db;
  sql: Sql;
  redis: Redis;
  bus: WakeupBus;
}

export function createServices({ config, db, sql, bus }: Infra): Services {
  const fanout = new Fanout(sql, bus);
  const chats = new ChatsService(db, sql);
  const messages = new MessagesService(db, chats, fanout);
  return {
    accounts: new AccountsService(db, sql, {
      secret: config.JWT_SECRET,
      ttlSeconds: config.JWT_TTL,
    }),
    bots: new BotsService(db, sql),
    chats,
    messages,
    callbacks: new CallbacksService(db, chats, messages, fanout),
    updates: new UpdatesService(sql, bus),
    events: new EventsService(sql, bus),
    directory: new DirectoryService(sql),
  };
}
