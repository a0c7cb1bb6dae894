// Parked long polls are bounded per process: a user's feed polls by FEED_POLLS_PER_USER (429
// beyond), every long poll — feed, Quanta /updates, gateway getUpdates — by
// LONG_POLL_MAX_PARKED (503 with Retry-After beyond). Loopback, bounded in count and time.
import http from 'node:http';
import { bearer, botAuth, registerUser, userBotChat } from '../support/fixtures';
import { startListening, type Listening } from '../gateway/support';

const PER_USER = 5;
const MAX_PARKED = 20;

let p: Listening;
beforeAll(async () => {
  p = await startListening({
    FEED_POLLS_PER_USER: String(PER_USER),
    LONG_POLL_MAX_PARKED: String(MAX_PARKED),
  });
});
afterAll(async () => {
  agent.destroy();
  await p?.close();
});

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

interface Answer {
  status: number;
  retryAfter?: string;
  ms: number;
}

/** GET with a bounded wait; status 0 on a network error. */
function get(port: number, path: string, headers: Record<string, string>): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path, headers, agent, timeout: 20000 },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            ms: Date.now() - started,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: Date.now() - started }));
  });
}

const tally = (answers: Answer[]) => {
  const by: Record<number, number> = {};
  for (const a of answers) by[a.status] = (by[a.status] ?? 0) + 1;
  return by;
};

describe('long-poll limits', () => {
  const log: string[] = [];
  afterAll(() => console.log(`poll limits:\n  ${log.join('\n  ')}`));

  it("one user's 1,500 feed polls: a few park at a time, the rest are refused at once with 429", async () => {
    const user = await registerUser(p.http);
    const started = Date.now();
    let flooding = true;
    let mostParked = 0;
    const sampler = (async () => {
      while (flooding) {
        mostParked = Math.max(mostParked, p.platform.limits.inUse.parkedPolls);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const answers = await Promise.all(
      [...Array(1500)].map(() => get(p.port, '/api/v1/events?timeout=3', bearer(user))),
    );
    flooding = false;
    await sampler;
    const by = tally(answers);
    const refused = answers.filter((a) => a.status === 429);
    log.push(
      `1,500 feed polls of one user in ${Date.now() - started} ms: ${JSON.stringify(by)}; ` +
        `at most ${mostParked} parked at once; slowest refusal ${Math.max(...refused.map((a) => a.ms))} ms`,
    );
    // A parked poll ends by its 3 s timeout; under load the flood may outlast it, and new
    // polls then park in the freed slots: never more than the user's share at once.
    expect(mostParked).toBeLessThanOrEqual(PER_USER);
    expect((by[200] ?? 0) + (by[429] ?? 0)).toBe(1500);
    expect(by[200]).toBeGreaterThanOrEqual(PER_USER);
    expect(by[429]).toBeGreaterThan(1400);
    for (const a of refused) expect(Number(a.retryAfter)).toBeGreaterThan(0);
    expect(p.platform.limits.inUse.parkedPolls).toBe(0);
  }, 30000);

  it('beyond the process-wide cap, every kind of long poll gets 503 with Retry-After', async () => {
    const users = await Promise.all([...Array(4)].map(() => registerUser(p.http)));
    const { bot } = await userBotChat(p.http);
    const { bot: bot2 } = await userBotChat(p.http);
    // 4 users × 5 feed polls fill the 20 slots (each within its user's share).
    const parked = users.flatMap((u) =>
      [...Array(PER_USER)].map(() => get(p.port, '/api/v1/events?timeout=3', bearer(u))),
    );
    const deadline = Date.now() + 5000;
    while (p.platform.limits.inUse.parkedPolls < MAX_PARKED && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const gw = new URL(p.apiRoot).port;
    const over = await Promise.all([
      get(p.port, '/api/v1/events?timeout=3', bearer(await registerUser(p.http))),
      get(p.port, '/api/v1/bot/updates?timeout=3', botAuth(bot)),
      get(Number(gw), `/bot${bot2.telegramToken}/getUpdates?timeout=3`, {}),
    ]);
    log.push(`over the cap of ${MAX_PARKED}: ${JSON.stringify(over)}`);
    for (const a of over) {
      expect(a.status).toBe(503);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(a.ms).toBeLessThan(1000);
    }
    expect(tally(await Promise.all(parked))).toEqual({ 200: MAX_PARKED });
    // The slots are free again: a poll parks.
    expect((await get(p.port, '/api/v1/bot/updates?timeout=1', botAuth(bot))).status).toBe(200);
  }, 30000);
});
