// The reference servers the platform is measured against, on the same machine and Node:
// - the durable floor: Express + pg (pool 20), one prepared INSERT … RETURNING per request,
//   answered after it commits; and a 100-row read through the same pool;
// - the wake floor: Express + pg + ioredis: a committed INSERT and a PUBLISH, and a GET parked
//   on one shared subscriber that the PUBLISH wakes.
// Usage: floor-server.ts <database-url> <redis-url> <channel-prefix>; prints its port.
import { randomUUID } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import { Pool } from 'pg';

const [databaseUrl, redisUrl, prefix] = process.argv.slice(2) as [string, string, string];
const pool = new Pool({ connectionString: databaseUrl, max: 20 });
const pub = new Redis(redisUrl);
const sub = new Redis(redisUrl);
const channel = `${prefix}floor`;
const parked = new Map<string, () => void>();

sub.on('message', (_channel: string, key: string) => {
  parked.get(key)?.();
  parked.delete(key);
});

const insert = {
  name: 'floor-insert',
  text: `INSERT INTO floor_rows (id, chat, body, created_at) VALUES ($1, $2, $3, now()) RETURNING id`,
};

async function main() {
  await pool.query(`CREATE TABLE IF NOT EXISTS floor_rows (
    id uuid PRIMARY KEY, chat text NOT NULL, body jsonb NOT NULL, created_at timestamptz NOT NULL)`);
  await pool.query(`CREATE INDEX IF NOT EXISTS floor_rows_chat ON floor_rows (chat, created_at)`);
  await sub.subscribe(channel);
  const app = express();
  app.use(express.json());
  app.post('/insert/:chat', async (req, res) => {
    const { rows } = await pool.query<{ id: string }>({
      ...insert,
      values: [randomUUID(), req.params.chat, JSON.stringify(req.body ?? {})],
    });
    res.json({ ok: true, id: rows[0]!.id });
  });
  app.get('/read100/:chat', async (req, res) => {
    const { rows } = await pool.query({
      name: 'floor-read',
      text: `SELECT id, body, created_at FROM floor_rows WHERE chat = $1 ORDER BY created_at LIMIT 100`,
      values: [req.params.chat],
    });
    res.json({ rows });
  });
  app.get('/park/:key', (req, res) => {
    const timer = setTimeout(() => res.json({ woken: false }), 50_000);
    parked.set(req.params.key, () => {
      clearTimeout(timer);
      res.json({ woken: true });
    });
  });
  app.post('/wake/:key', async (req, res) => {
    await pool.query({
      ...insert,
      values: [randomUUID(), req.params.key, JSON.stringify(req.body ?? {})],
    });
    await pub.publish(channel, req.params.key);
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(`${typeof addr === 'object' && addr ? addr.port : ''}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => {
      sub.disconnect();
      pub.disconnect();
      void pool.end().then(() => process.exit(0));
    });
  });
}

void main();
