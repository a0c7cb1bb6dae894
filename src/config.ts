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
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/quanta'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key and channel, so tests and tenants can share one Redis. */
  REDIS_PREFIX: z.string().default('quanta:'),
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
  /** Largest photo/document (decoded bytes); media routes accept JSON bodies that fit it. */
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Trust X-Forwarded-For from this many proxies (0: none). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600000).default(10000),
  /**
   * How often an api process checks its in-memory caches (bot keys, quiet inboxes) against
   * Postgres, with one statement each: the bound on staleness should a Redis invalidation be
   * lost (say, the process that deleted a bot died before publishing it).
   */
  CACHE_AUDIT_MS: z.coerce.number().int().min(100).max(3600000).default(60000),
  UPDATE_RETENTION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
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
  const input = production ? clean : { ...clean, ...devSecrets(clean, secretsFile) };
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
