// send-message throughput with 50 concurrent bots, beside a bare Express "hello" measured in
// the same run; and the latency of reading 100 pending updates.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { makeFixture, must } from './client';
import { cpuPerRequest } from './cpu';
import { timedReads } from './read-loop';
import { closedLoop } from './load';

const SECONDS = 8;

export async function bareHello() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/bench/bare-hello.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim());
  try {
    await closedLoop(`http://127.0.0.1:${port}`, 50, 1, () => ({ method: 'GET', path: '/hello' })); // warm-up
    return await cpuPerRequest(child.pid!, () =>
      closedLoop(`http://127.0.0.1:${port}`, 50, SECONDS, () => ({
        method: 'GET',
        path: '/hello',
      })),
    );
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * 50 bots sending at once, each to its own user (`oneUser`: all to the same user, whose
 * ordered event feed then takes the sends one at a time).
 */
export async function sendThroughput(
  serverPid: number,
  base: string,
  gatewayBase?: string,
  oneUser = false,
) {
  const fx = await makeFixture(base, 50, !oneUser);
  const quanta = (w: number, i: number) => ({
    method: 'POST',
    path: '/api/v1/bot/send-message',
    headers: { 'content-type': 'application/json', 'x-bot-token': fx.bots[w]!.apiKey },
    body: JSON.stringify({ chat_id: fx.bots[w]!.chatId, content: `load ${i}` }),
  });
  await closedLoop(base, 50, 1, quanta); // warm-up (prepared statements, JIT)
  const q = await cpuPerRequest(serverPid, () => closedLoop(base, 50, SECONDS, quanta));
  if (!gatewayBase) return { quanta: q };
  // What grammY's ctx.reply sends: the token in the path and the chat's integer id (from
  // getChat here, from an update's message.chat.id in a real bot), resolved on every call.
  const tgChatIds = await Promise.all(
    fx.bots.map(async (b) => {
      const url = `${gatewayBase}/bot${b.telegramToken}/getChat`;
      return (await must<{ result: { id: number } }>(url, { body: { chat_id: b.chatId } })).result
        .id;
    }),
  );
  const gateway = (w: number, i: number) => ({
    method: 'POST',
    path: `/bot${fx.bots[w]!.telegramToken}/sendMessage`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: tgChatIds[w], text: `load ${i}` }),
  });
  await closedLoop(gatewayBase, 50, 1, gateway);
  const g = await cpuPerRequest(serverPid, () => closedLoop(gatewayBase, 50, SECONDS, gateway));
  return { quanta: q, gateway: g };
}

/** A bot with 100 pending updates; /updates with an offset reads them without consuming. */
export async function botWith100Pending(base: string) {
  const fx = await makeFixture(base, 1);
  const bot = fx.bots[0]!;
  const auth = { authorization: `Bearer ${fx.user.token}` };
  for (let i = 0; i < 100; i++) {
    await must(`${base}/api/v1/chats/${bot.chatId}/messages`, {
      headers: auth,
      body: { content: `pending ${i}` },
    });
  }
  return bot;
}

export async function read100(base: string, serverPid: number) {
  const bot = await botWith100Pending(base);
  return cpuPerRequest(serverPid, () =>
    timedReads(
      `${base}/api/v1/bot/updates?offset=1&timeout=0&limit=100`,
      { 'x-bot-token': bot.apiKey },
      (a) => a.updates,
    ),
  );
}
