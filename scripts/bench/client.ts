// Minimal JSON client for the benches (Node's fetch: keep-alive, no per-origin cap).
export async function call<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export async function must<T = Record<string, unknown>>(
  url: string,
  init: Parameters<typeof call>[1] = {},
): Promise<T> {
  let r = await call<T>(url, init);
  // Fixtures wait out a 429: sign-ups queue for the bounded password hashing, which a
  // loaded machine slows past its 2 s wait.
  for (let tries = 0; r.status === 429 && tries < 20; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    r = await call<T>(url, init);
  }
  if (r.status >= 300)
    throw new Error(`${init.method ?? 'GET'} ${url} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Run `fn` over items with at most `n` in flight. */
export async function pool<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

export interface Fixture {
  user: { token: string };
  bots: { id: string; apiKey: string; telegramToken: string; chatId: string }[];
}

/**
 * One user with `n` bots and a private chat with each. With `ownUsers`, each chat is
 * instead with a user of its own (bots' sends then fan out to `n` different people; with
 * one user, every send queues on that user's event-feed row, which orders their feed).
 */
export async function makeFixture(base: string, n: number, ownUsers = false): Promise<Fixture> {
  const reg = await register(base, 'bench');
  const auth = { authorization: `Bearer ${reg.token}` };
  const bots = new Array<Fixture['bots'][number]>(n);
  await pool([...Array(n).keys()], 20, async (i) => {
    const b = await must<{ bot: { id: string }; api_key: string; telegram_token: string }>(
      `${base}/api/v1/bot/register`,
      {
        headers: auth,
        body: { name: `Bench ${i}` },
      },
    );
    const chatter = ownUsers
      ? { authorization: `Bearer ${(await register(base, `u${i}`)).token}` }
      : auth;
    const c = await must<{ chat: { id: string } }>(`${base}/api/v1/chats`, {
      headers: chatter,
      body: { bot_id: b.bot.id },
    });
    bots[i] = {
      id: b.bot.id,
      apiKey: b.api_key,
      telegramToken: b.telegram_token,
      chatId: c.chat.id,
    };
  });
  return { user: reg, bots };
}

let registered = 0;

function register(base: string, prefix: string): Promise<{ token: string }> {
  const username = `${prefix}${Date.now().toString(36)}${(registered++).toString(36)}`;
  return must<{ token: string }>(`${base}/api/v1/auth/register`, {
    body: { username, password: 'bench-password-1' },
  });
}
