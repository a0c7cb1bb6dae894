import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';

const tmpFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'quanta-cfg-')), 'secrets.json');
const strong = {
  JWT_SECRET: randomBytes(32).toString('base64url'),
  MASTER_KEY: randomBytes(32).toString('base64'),
  GATEWAY_KEY: randomBytes(32).toString('base64'),
};

function problems(env: Record<string, string>, file = tmpFile()): string[] {
  try {
    loadConfig(env, file);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({ ...strong }, tmpFile());
    expect(c).toMatchObject({
      PORT: 8080,
      GATEWAY_PORT: 8090,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/quanta',
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'info',
      ROLE: 'all',
      JWT_TTL: 604800,
      LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: 30,
      LOGIN_FAILURES_PER_IP_PER_DAY: 100,
      LOGIN_FAILURES_BEFORE_BACKOFF: 5,
      REGISTRATIONS_PER_IP_PER_HOUR: 10,
      PASSWORD_HASH_CONCURRENCY: 2,
      PASSWORD_HASH_QUEUE: 8,
      PASSWORD_HASH_PER_CLIENT: 1,
    });
    expect(c.MASTER_KEY).toHaveLength(32);
  });

  it('listens on loopback by default except in production; HOST still says where', () => {
    const host = (env: Record<string, string>) => loadConfig({ ...strong, ...env }, tmpFile()).HOST;
    expect(host({})).toBe('127.0.0.1');
    expect(host({ NODE_ENV: 'development' })).toBe('127.0.0.1');
    expect(host({ NODE_ENV: 'test' })).toBe('127.0.0.1');
    expect(host({ NODE_ENV: 'production' })).toBe('0.0.0.0');
    expect(host({ NODE_ENV: 'development', HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(host({ NODE_ENV: 'production', HOST: '127.0.0.1' })).toBe('127.0.0.1');
    // Empty means unset, as for every variable.
    expect(host({ NODE_ENV: 'development', HOST: '' })).toBe('127.0.0.1');
  });

  it('generates development secrets once and keeps them', () => {
    const file = tmpFile();
    const a = loadConfig({}, file);
    const b = loadConfig({}, file);
    expect(a.JWT_SECRET).toBe(b.JWT_SECRET);
    expect(Buffer.from(a.MASTER_KEY).equals(Buffer.from(b.MASTER_KEY))).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('JWT_SECRET', a.JWT_SECRET);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('refuses to start in production without secrets, naming them', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET is required',
      'MASTER_KEY is required',
      'GATEWAY_KEY is required',
    ]);
  });

  it('refuses weak secrets in production, naming them', () => {
    const p = problems({
      NODE_ENV: 'production',
      JWT_SECRET: 'secret',
      MASTER_KEY: Buffer.alloc(32).toString('base64'),
      GATEWAY_KEY: strong.GATEWAY_KEY,
    });
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^JWT_SECRET /);
    expect(p[1]).toMatch(/^MASTER_KEY is too weak/);
    expect(problems({ NODE_ENV: 'production', ...strong, MASTER_KEY: 'c2hvcnQ=' })).toEqual([
      'MASTER_KEY must be 32 bytes, base64-encoded',
    ]);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['GATEWAY_PORT', '-1'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['REDIS_CLUSTER_NODES', '127.0.0.1'],
    ['REDIS_CLUSTER_NODES', '127.0.0.1:7000,'],
    ['LOG_LEVEL', 'loud'],
    ['ROLE', 'both'],
    ['JWT_TTL', 'forever'],
    ['PASSWORD_HASH_CONCURRENCY', '0'],
    ['PASSWORD_HASH_PER_CLIENT', '0'],
    ['LOGIN_FAILURES_PER_IP_PER_DAY', '-1'],
  ])('names the bad variable %s=%s', (name, value) => {
    const p = problems({ ...strong, [name]: value });
    expect(p).toHaveLength(1);
    expect(p[0]!.startsWith(`${name} `)).toBe(true);
  });

  it('reads durations with units', () => {
    expect(loadConfig({ ...strong, JWT_TTL: '15m' }, tmpFile()).JWT_TTL).toBe(900);
    expect(loadConfig({ ...strong, JWT_TTL: '2h' }, tmpFile()).JWT_TTL).toBe(7200);
  });

  it('reads Redis Cluster seed nodes; without them Redis is one node', () => {
    expect(loadConfig({ ...strong }, tmpFile()).REDIS_CLUSTER_NODES).toBeUndefined();
    const c = loadConfig(
      { ...strong, REDIS_CLUSTER_NODES: 'a.internal:7000,10.0.0.2:7001' },
      tmpFile(),
    );
    expect(c.REDIS_CLUSTER_NODES).toEqual([
      { host: 'a.internal', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
  });
});
