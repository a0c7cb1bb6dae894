import type { Config } from './config';
import type { Db, Sql } from './infra/db/prisma';
import type { Logger } from './infra/logger';
import type { Redis } from './infra/redis';
import type { WakeupBus } from './realtime/wakeup-bus';
import { AccountsService } from './domain/accounts/accounts.service';
import { BotsService } from './domain/bots/bots.service';
import { CallbacksService } from './domain/callbacks/callbacks.service';
import { ChatsService } from './domain/chats/chats.service';
import { EventsService } from './domain/events/events.service';
import { Fanout } from './domain/messages/fanout';
import { MessagesService } from './domain/messages/messages.service';
import { MessageEditsService } from './domain/messages/edits.service';
import { MediaService } from './domain/media/media.service';
import { ReactionsService } from './domain/reactions/reactions.service';
import { PollsService } from './domain/polls/polls.service';
import { PinsService } from './domain/chats/pins.service';
import { ChatActionsService } from './domain/chats/chat-actions.service';
import { UpdatesService } from './domain/updates/updates.service';
import { BotBoxes } from './domain/e2e/bot-boxes.service';
import { SigningKeysService } from './domain/webhooks/signing-keys';
import { WebhooksService, type DeliveryScheduler } from './domain/webhooks/webhooks.service';

/** Every domain service, built once per process and shared by the api and worker roles. */
export interface Services {
  accounts: AccountsService;
  bots: BotsService;
  chats: ChatsService;
  messages: MessagesService;
  /** Edits, keyboard changes and deletes of sent messages. */
  edits: MessageEditsService;
  media: MediaService;
  reactions: ReactionsService;
  polls: PollsService;
  pins: PinsService;
  chatActions: ChatActionsService;
  callbacks: CallbacksService;
  updates: UpdatesService;
  events: EventsService;
  webhooks: WebhooksService;
  signingKeys: SigningKeysService;
  /** A managed bot's boxes, opened and made at the bot edge. */
  boxes: BotBoxes;
}

export interface Infra {
  config: Config;
  log: Logger;
  db: Db;
  sql: Sql;
  redis: Redis;
  bus: WakeupBus;
  /** Starts webhook delivery (BullMQ); every role schedules, only workers deliver. */
  deliveryScheduler: DeliveryScheduler;
}

export function createServices({ config, log, db, sql, bus, deliveryScheduler }: Infra): Services {
  const fanout = new Fanout(sql, bus, deliveryScheduler, log);
  const updates = new UpdatesService(sql, bus);
  const chats = new ChatsService(db, sql);
  const media = new MediaService(db, config.MEDIA_MAX_BYTES);
  const boxes = new BotBoxes(db, config.GATEWAY_KEY);
  const edits = new MessageEditsService(db, chats, fanout, boxes);
  const messages = new MessagesService(db, chats, fanout, media, boxes);
  return {
    accounts: new AccountsService(db, sql, {
      secret: config.JWT_SECRET,
      ttlSeconds: config.JWT_TTL,
    }),
    bots: new BotsService(db, sql, bus, config.GATEWAY_KEY),
    chats,
    messages,
    edits,
    media,
    reactions: new ReactionsService(db, sql, chats, fanout),
    polls: new PollsService(db, chats, messages, fanout),
    pins: new PinsService(db, chats, fanout),
    chatActions: new ChatActionsService(chats, fanout),
    callbacks: new CallbacksService(db, chats, messages, edits, fanout),
    updates,
    events: new EventsService(sql, bus),
    webhooks: new WebhooksService(db, bus, updates, deliveryScheduler, {
      allowHttp: config.WEBHOOK_ALLOW_HTTP,
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
      masterKey: config.MASTER_KEY,
    }),
    signingKeys: new SigningKeysService(db, config.MASTER_KEY),
    boxes,
  };
}
