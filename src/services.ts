import type { Config } from './config';
import type { Db, Sql } from './infra/db/prisma';
import type { Logger } from './infra/logger';
import type { Redis } from './infra/redis';
import type { WakeupBus } from './realtime/wakeup-bus';
import { AccountsService } from './domain/accounts/accounts.service';
import { HashSlots } from './domain/accounts/hash-slots';
import { PasswordHasher } from './domain/accounts/password';
import { SignInLimits } from './domain/accounts/sign-in-limits';
import { UserTokens } from './domain/accounts/user-tokens';
import { BotsService } from './domain/bots/bots.service';
import { CallbacksService } from './domain/callbacks/callbacks.service';
import { ChatsService } from './domain/chats/chats.service';
import { GroupsService } from './domain/chats/groups.service';
import { InvitationsService } from './domain/chats/invitations.service';
import { EventsService } from './domain/events/events.service';
import { Fanout } from './domain/messages/fanout';
import { MessagesService } from './domain/messages/messages.service';
import { MessageEditsService } from './domain/messages/edits.service';
import { MediaService } from './domain/media/media.service';
import { ReactionsService } from './domain/reactions/reactions.service';
import { PollsService } from './domain/polls/polls.service';
import { PinsService } from './domain/chats/pins.service';
import { ChatActionsService } from './domain/chats/chat-actions.service';
import { ReadMarkersService } from './domain/chats/read-markers.service';
import { UpdatesService } from './domain/updates/updates.service';
import { BotBoxes } from './domain/e2e/bot-boxes.service';
import { SigningKeysService } from './domain/webhooks/signing-keys';
import { WebhooksService, type DeliveryScheduler } from './domain/webhooks/webhooks.service';
import { WebAppsService } from './domain/webapps/webapps.service';
import { peopleCache } from './domain/users/people-cache';
import { audienceCache } from './domain/chats/audience-cache';

/** Every domain service, built once per process and shared by the api and worker roles. */
export interface Services {
  accounts: AccountsService;
  bots: BotsService;
  chats: ChatsService;
  /** Group membership: create, invite or add, leave, remove (with its caps). */
  groups: GroupsService;
  /** The invitee's side of group consent. */
  invitations: InvitationsService;
  messages: MessagesService;
  /** Edits, keyboard changes and deletes of sent messages. */
  edits: MessageEditsService;
  media: MediaService;
  reactions: ReactionsService;
  polls: PollsService;
  pins: PinsService;
  chatActions: ChatActionsService;
  /** Read markers, unread counts and the chat list's previews. */
  readMarkers: ReadMarkersService;
  callbacks: CallbacksService;
  updates: UpdatesService;
  events: EventsService;
  webhooks: WebhooksService;
  signingKeys: SigningKeysService;
  /** A managed bot's boxes, opened and made at the bot edge. */
  boxes: BotBoxes;
  /** Mini apps: signed init data, and sendData into the chat. */
  webApps: WebAppsService;
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

function createAccounts({ config, log, db, sql, redis, bus }: Infra): AccountsService {
  const jwt = { secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL };
  return new AccountsService(db, sql, {
    tokens: new UserTokens(jwt, redis, bus, log, config.CACHE_AUDIT_MS),
    limits: new SignInLimits(redis, {
      attemptsPerIpPerMinute: config.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE,
      failuresPerIpPerDay: config.LOGIN_FAILURES_PER_IP_PER_DAY,
      failuresBeforeBackoff: config.LOGIN_FAILURES_BEFORE_BACKOFF,
      registrationsPerIpPerHour: config.REGISTRATIONS_PER_IP_PER_HOUR,
    }),
    people: peopleCache(bus, config.CACHE_AUDIT_MS),
    hasher: new PasswordHasher(
      new HashSlots({
        concurrency: config.PASSWORD_HASH_CONCURRENCY,
        queue: config.PASSWORD_HASH_QUEUE,
        perClient: config.PASSWORD_HASH_PER_CLIENT,
        maxWaitMs: MAX_HASH_WAIT_MS,
      }),
    ),
  });
}

/** A backstop on the wait for a hash slot; the queue's length bounds it well before this. */
const MAX_HASH_WAIT_MS = 2000;

export function createServices(infra: Infra): Services {
  const { config, log, db, sql, redis, bus, deliveryScheduler } = infra;
  const fanout = new Fanout(sql, bus, deliveryScheduler, log);
  const updates = new UpdatesService(sql, bus);
  const chats = new ChatsService(db, sql, audienceCache(bus));
  const media = new MediaService(db, sql, config.MEDIA_MAX_BYTES);
  const boxes = new BotBoxes(db, config.GATEWAY_KEY);
  const edits = new MessageEditsService(db, chats, fanout, boxes, config.WEBAPP_ALLOW_HTTP);
  const messages = new MessagesService(db, chats, fanout, media, boxes, config.WEBAPP_ALLOW_HTTP);
  const bots = new BotsService(db, sql, bus, {
    maxPerOwner: config.MAX_BOTS_PER_OWNER,
    gatewayKey: config.GATEWAY_KEY,
    masterKey: config.MASTER_KEY,
    webAppAllowHttp: config.WEBAPP_ALLOW_HTTP,
  });
  const signingKeys = new SigningKeysService(db, config.MASTER_KEY);
  return {
    accounts: createAccounts(infra),
    bots,
    chats,
    groups: new GroupsService(sql, chats, fanout, {
      perUserPerDay: config.GROUPS_PER_USER_PER_DAY,
      maxMembers: config.GROUP_MAX_MEMBERS,
    }),
    invitations: new InvitationsService(db, sql, chats),
    messages,
    edits,
    media,
    reactions: new ReactionsService(db, chats, fanout),
    polls: new PollsService(db, chats, messages, fanout),
    pins: new PinsService(db, chats, fanout),
    chatActions: new ChatActionsService(chats, fanout),
    readMarkers: new ReadMarkersService(db, sql, chats),
    callbacks: new CallbacksService(db, chats, messages, edits, fanout),
    updates,
    events: new EventsService(sql, bus),
    webhooks: new WebhooksService(db, bus, updates, deliveryScheduler, {
      allowHttp: config.WEBHOOK_ALLOW_HTTP,
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
      masterKey: config.MASTER_KEY,
    }),
    signingKeys,
    boxes,
    webApps: new WebAppsService(db, redis, chats, bots, messages, signingKeys),
  };
}
