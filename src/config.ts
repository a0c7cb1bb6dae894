// The only reader of process.env: everything else receives a typed, validated Config.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from './infra/paths';

const SECRET_NAMES = ['JWT_SECRET', 'MASTER_KEY', 'GATEWAY_KEY'] as const;
type SecretName = (typeof SECRET_NAMES)[number];

/** Where development secrets live once generated (git-ignored). */
export const DEV_SECRETS_FILE = path.join(PROJECT_ROOT, '.secrets.dev.json');

const WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'password', 'development']);

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** "15m", "12h", "7d", "3600s" or plain seconds → seconds. */
const duration = z
  .string()
  .regex(/^\d+[smhd]?$/, 'use seconds or a number with s, m, h or d (e.g. 7d)')
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    const unit = v.at(-1);
    const mult = unit === 'm' ? 60 : unit === 'h' ? 3600 : unit === 'd' ? 86400 : 1;
    return n * mult;
  })
  .refine((s) => s > 0, 'must be positive');

const jwtSecret = z
  .string()
  .min(32, 'must be at least 32 characters')
  .refine((s) => !WEAK_SECRETS.has(s.toLowerCase()) && new Set(s).size >= 8, 'is too weak');

const masterKey = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
  .refine((s) => new Set(Buffer.from(s, 'base64')).size >= 8, 'is too weak')
  .transform((s) => new Uint8Array(Buffer.from(s, 'base64')));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(8080),
  GATEWAY_PORT: port.default(8090),
  /** Defaulted in loadConfig: loopback unless NODE_ENV is production. */
  HOST: z.string().min(1),
  /** Prometheus `GET /metrics`, on its own listener in every role (0: any free port). */
  METRICS_PORT: port.default(9464),
  /** Loopback unless told otherwise: metrics are for the scraper, not the internet. */
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Off: no metrics listener and no per-request histogram (the bench measures the cost). */
  METRICS_ENABLED: bool.default(true),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/quanta'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** Postgres cancels a statement running longer than this (its statement_timeout; 0: off). */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3600000).default(5000),
  /**
   * How long the client waits for any answer (pg query_timeout; 0: forever): a Postgres that
   * stops answering without closing connections then gives 503s, not hung requests.
   */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(0).max(3600000).default(6000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key and channel, so tests and tenants can share one Redis. */
  REDIS_PREFIX: z.string().default('quanta:'),
  /**
   * `host:port,host:port,…` of a Redis Cluster's seed nodes: set, every Redis use runs in
   * cluster mode (sharded pub/sub, hash-tagged queues) and REDIS_URL only lends its credentials.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port,host:port,…')
    .transform((s) =>
      s.split(',').map((hp) => {
        const at = hp.lastIndexOf(':');
        return { host: hp.slice(0, at), port: Number(hp.slice(at + 1)) };
      }),
    )
    .optional(),
  JWT_SECRET: jwtSecret,
  JWT_TTL: duration.default(604800),
  MASTER_KEY: masterKey,
  /**
   * Seals managed bots' end-to-end secret keys: a key of its own, so the processes and
   * backups that hold MASTER_KEY's secrets do not also read every managed bot's messages.
   */
  GATEWAY_KEY: masterKey,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i, 'use bytes or a size like 1mb')
    .default('1mb'),
  /** Sign-up and sign-in bodies, the only ones read without a credential. */
  SIGN_IN_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i, 'use bytes or a size like 16kb')
    .default('16kb'),
  /** A body declared larger than this (or of unknown length) needs a large-body slot. */
  LARGE_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(256 * 1024),
  /** Large bodies read or held at once per process; beyond it 503 with Retry-After. */
  LARGE_BODY_CONCURRENCY: z.coerce.number().int().min(1).max(10000).default(8),
  /**
   * Long polls (Quanta /updates, gateway getUpdates, messenger /events) open at once per
   * process; beyond it 503 with Retry-After. Keep it well below the process's open-file limit.
   */
  LONG_POLL_MAX_PARKED: z.coerce.number().int().min(1).max(1000000).default(15000),
  /** Messenger /events polls open at once per user and process; beyond it 429. */
  FEED_POLLS_PER_USER: z.coerce.number().int().min(1).max(1000).default(5),
  /** Largest photo/document (decoded bytes); media routes accept JSON bodies that fit it. */
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Trust X-Forwarded-For from this many proxies (0: none). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Login attempts per client address per minute, right or wrong (0: no limit). */
  LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(30),
  /** Wrong passwords per client address per day, across processes (0: no limit). */
  LOGIN_FAILURES_PER_IP_PER_DAY: z.coerce.number().int().min(0).max(1_000_000).default(100),
  /**
   * Consecutive wrong passwords for one username from one address before each further try
   * waits 1 s, 2 s, 4 s … up to an hour (0: no back-off).
   */
  LOGIN_FAILURES_BEFORE_BACKOFF: z.coerce.number().int().min(0).max(1000).default(5),
  /** Accounts created per client address per hour, across processes (0: no limit). */
  REGISTRATIONS_PER_IP_PER_HOUR: z.coerce.number().int().min(0).max(1_000_000).default(10),
  /**
   * scrypt hashes (32 MiB, ~0.1 s each) running at once per process. They share libuv's
   * 4-thread pool with DNS lookups and file I/O, so keep this below 4.
   */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Hashes waiting for a slot per process; beyond it, 429 with Retry-After at once. */
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(8),
  /** Hashes one client address may have running or waiting per process. */
  PASSWORD_HASH_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(1),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600000).default(10000),
  /**
   * How often an api process checks its in-memory caches (bot keys, quiet inboxes) against
   * Postgres, with one statement each, and how long a verified JWT is trusted before Redis is
   * asked again whether it was logged out: the bound on staleness should a Redis invalidation
   * be lost (say, the process that deleted a bot died before publishing it).
   */
  CACHE_AUDIT_MS: z.coerce.number().int().min(100).max(3600000).default(60000),
  UPDATE_RETENTION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  /**
   * Messenger writes (posts, edits, deletes, reactions, votes, taps) per person per minute,
   * across all processes (0: no limit). Over it: 429 with Retry-After.
   */
  USER_WRITES_PER_MINUTE: z.coerce.number().int().min(0).max(100000).default(120),
  /** Groups one person may create in any 24 hours (0: no limit). */
  GROUPS_PER_USER_PER_DAY: z.coerce.number().int().min(0).max(100000).default(50),
  /** Members of a group, bots and pending invitations included. */
  GROUP_MAX_MEMBERS: z.coerce.number().int().min(2).max(100000).default(200),
  /** The system bot that creates bots by conversation (/newbot), run by workers. */
  BOTKOTO_ENABLED: bool.default(true),
  BOTKOTO_USERNAME: z
    .string()
    .regex(/^[a-z][a-z0-9_]{2,31}$/, 'must be 3-32 characters of a-z, 0-9 and _')
    .default('botkoto'),
  /** Bots one owner may have (BotFather's limit); registering one more is a 409. */
  MAX_BOTS_PER_OWNER: z.coerce.number().int().min(1).max(100000).default(20),
  /** Requests per second per bot, across all processes and both dialects (0: no limit). */
  RATE_LIMIT_PER_BOT: z.coerce.number().int().min(0).max(100000).default(30),
  /** Largest gateway request (multipart uploads, base64 media), files held in memory. */
  GATEWAY_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i, 'use bytes or a size like 20mb')
    .default('20mb'),
  /** Seconds between delivery attempts (the n-th retry waits the n-th entry, ±20%). */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'must be comma-separated seconds, e.g. 5,300,1800')
    .transform((s) => s.split(',').map(Number))
    .default([5, 300, 1800, 7200, 18000, 36000, 36000]),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(15000),
  /** Deliveries in flight per worker process (each bot's own updates go one at a time). */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  /** How long a rotated-out signing key keeps verifying. */
  SIGNING_KEY_GRACE_HOURS: z.coerce.number().int().min(0).max(8760).default(72),
  WEBHOOK_ALLOW_HTTP: bool.default(false),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /** Mini-app URLs (the bot's and web_app buttons') may be http: for local development. */
  WEBAPP_ALLOW_HTTP: bool.default(false),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Development only: generate missing secrets once and keep them in a git-ignored file. */
function devSecrets(env: Env, file: string): Partial<Record<SecretName, string>> {
  const missing = SECRET_NAMES.filter((n) => !env[n]);
  if (missing.length === 0) return {};
  let stored: Partial<Record<SecretName, string>> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
  let changed = false;
  for (const name of missing) {
    if (stored[name]) continue;
    stored[name] = randomBytes(32).toString(name === 'JWT_SECRET' ? 'base64url' : 'base64');
    changed = true;
  }
  if (changed) writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  return Object.fromEntries(missing.map((n) => [n, stored[n]]));
}

/** Parse the environment once. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env, secretsFile = DEV_SECRETS_FILE): Config {
  // Empty strings mean "unset", as in most .env tooling.
  const clean: Env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const production = clean.NODE_ENV === 'production';
  // Outside production, listen on loopback unless told otherwise: a development machine on
  // a shared network should not serve the API to it. Containers set HOST=0.0.0.0.
  const defaults: Env = { HOST: production ? '0.0.0.0' : '127.0.0.1' };
  const input: Env = production
    ? { ...defaults, ...clean }
    : { ...defaults, ...clean, ...devSecrets(clean, secretsFile) };
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  // One line per variable: its first problem is the one to fix first.
  const byName = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0] ?? '?');
    if (byName.has(name)) continue;
    byName.set(
      name,
      input[name] === undefined ? `${name} is required` : `${name} ${issue.message}`,
    );
  }
  throw new ConfigError([...byName.values()]);
}

/**
 * ROLE=gateway: the self-hosted gateway for self-custody bots. It holds no database, Redis
 * or platform secrets: only where the platform is and the file with its bots' secret keys.
 */
const selfHostedSchema = z.object({
  ROLE: z.literal('gateway'),
  /** The platform's base URL (its Quanta API), e.g. https://quanta.example.com */
  UPSTREAM_URL: z.url({ protocol: /^https?$/ }),
  BOT_KEYS_FILE: z.string().min(1),
  HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: port.default(8090),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type SelfHostedConfig = z.infer<typeof selfHostedSchema>;

export const isSelfHostedGateway = (env: Env = process.env): boolean => env.ROLE === 'gateway';

export function loadSelfHostedConfig(env: Env = process.env): SelfHostedConfig {
  const clean: Env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = selfHostedSchema.safeParse(clean);
  if (parsed.success) return parsed.data;
  const problems = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0] ?? '?');
    if (!problems.has(name)) {
      problems.set(
        name,
        clean[name] === undefined ? `${name} is required` : `${name} ${issue.message}`,
      );
    }
  }
  throw new ConfigError([...problems.values()]);
}
