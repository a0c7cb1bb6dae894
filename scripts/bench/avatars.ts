// `npx tsx scripts/bench/avatars.ts [perOwner]` (after `npm run build`): 300 bots with
// 512 KiB avatars, each authenticated once (so the bot-auth cache holds them), then every
// owner's GET /my-bots. Prints the server's RSS growth and the my-bots response sizes.
// perOwner (default 20, the MAX_BOTS_PER_OWNER default) is how many bots each owner gets.
import { randomBytes } from 'node:crypto';
import { call, must, pool } from './client';
import { createBenchEnv, startServer } from './env';
import { rssMb } from './idle';

const BOTS = 300;
const AVATAR_CHARS = 512 * 1024;
// A PNG signature followed by zeros, as base64 of exactly the largest allowed length.
const AVATAR = 'iVBORw0KGgoA'.padEnd(AVATAR_CHARS, 'A');

async function main(): Promise<void> {
  const perOwner = Number(process.argv[2] ?? 20);
  const env = await createBenchEnv({ MAX_BOTS_PER_OWNER: String(Math.max(perOwner, 20)) });
  const server = await startServer(env.env);
  const base = server.url;
  try {
    const owners: { authorization: string }[] = [];
    for (let i = 0; i < Math.ceil(BOTS / perOwner); i++) {
      const username = `owner_${randomBytes(4).toString('hex')}`;
      const { token } = await must<{ token: string }>(`${base}/api/v1/auth/register`, {
        body: { username, password: `Pw-${randomBytes(12).toString('base64url')}` },
      });
      owners.push({ authorization: `Bearer ${token}` });
    }
    await must(`${base}/api/v1/bot/my-bots`, { headers: owners[0]! });
    global.gc?.();
    const before = rssMb(server.child.pid!);
    const keys: string[] = [];
    await pool([...Array(BOTS).keys()], 8, async (i) => {
      const b = await must<{ api_key: string }>(`${base}/api/v1/bot/register`, {
        headers: owners[Math.floor(i / perOwner)]!,
        body: { name: `Avatar ${i}`, avatar: AVATAR },
      });
      keys.push(b.api_key);
    });
    await pool(keys, 8, async (key) => {
      await must(`${base}/api/v1/bot/me`, { headers: { 'x-bot-token': key } });
    });
    const sizes: number[] = [];
    await pool(owners, 4, async (headers) => {
      const res = await fetch(`${base}/api/v1/bot/my-bots`, { headers });
      sizes.push((await res.arrayBuffer()).byteLength);
    });
    const after = rssMb(server.child.pid!);
    // With the cap at its default, the 21st bot of one owner is refused.
    const extra = await call(`${base}/api/v1/bot/register`, {
      headers: owners[0]!,
      body: { name: 'one too many' },
    });
    console.log(
      JSON.stringify({
        bots: BOTS,
        per_owner: perOwner,
        rss_mb: { before, after, growth: after - before },
        my_bots_bytes_max: Math.max(...sizes),
        my_bots_bytes_total: sizes.reduce((a, b) => a + b, 0),
        bot_after_owner_cap: extra.status,
      }),
    );
  } finally {
    await server.stop();
    await env.dispose();
  }
}

void main();
