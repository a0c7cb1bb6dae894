// Bot avatars live apart from the bot row that bot auth loads and caches; an owner's bots are
// capped; a deleted bot's username is free again.
import { BotAuthCache } from '../../src/domain/bots/auth-cache';
import type { WakeupBus } from '../../src/realtime/wakeup-bus';
import { bearer, botAuth, openChat, registerBot, registerUser, say } from '../support/fixtures';
import { botCacheStats } from '../support/internals';
import { useTestPlatform } from '../support/platform';

const t = useTestPlatform({ MAX_BOTS_PER_OWNER: '3' });

// The largest avatar the schema takes: 512 KiB of base64, a PNG signature then zeros.
const AVATAR = 'iVBORw0KGgoA'.padEnd(512 * 1024, 'A');
const AVATAR_BYTES = Buffer.from(AVATAR, 'base64');

describe('bot avatars', () => {
  it('my-bots and /me give a URL, never the bytes; the owner and chat members fetch them', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner, { avatar: AVATAR });

    const list = await http.get('/api/v1/bot/my-bots').set(bearer(owner)).expect(200);
    expect(list.text.length).toBeLessThan(4096);
    const url: string = list.body.bots[0].avatar;
    expect(url).toMatch(new RegExp(`^/api/v1/bot/avatar/${bot.id}\\?v=[0-9a-f]{16}$`));
    const me = await http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    expect(me.body.bot.avatar).toBe(url);

    const image = await http.get(url).set(bearer(owner)).expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(image.body as Buffer, AVATAR_BYTES)).toBe(0);

    const stranger = await registerUser(http);
    const refused = await http.get(url).set(bearer(stranger)).expect(404);
    expect(refused.body).toEqual({ error: 'avatar not found' });
    await openChat(http, stranger, bot);
    await http.get(url).set(bearer(stranger)).expect(200);
    await http.get(url).expect(401);
  });

  it('keeps an http(s) avatar as given and refuses bytes that are not an image', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    await registerBot(http, owner, { avatar: 'https://example.com/a.png' });
    const list = await http.get('/api/v1/bot/my-bots').set(bearer(owner)).expect(200);
    expect(list.body.bots[0].avatar).toBe('https://example.com/a.png');
    const bad = await http
      .post('/api/v1/bot/register')
      .set(bearer(owner))
      .send({ name: 'x', avatar: '8J+YgA==' })
      .expect(400);
    expect(bad.body).toEqual({ error: 'avatar: must be a JPEG, PNG, GIF or WebP image' });
  });

  it('keeps avatar bytes out of the bot-auth cache', async () => {
    const { http, platform } = t.current;
    const owner = await registerUser(http);
    const bots = [];
    for (let i = 0; i < 3; i++) bots.push(await registerBot(http, owner, { avatar: AVATAR }));
    for (const bot of bots) await http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    const { entries, bytes } = botCacheStats(platform);
    expect(entries).toBeGreaterThanOrEqual(3);
    expect(bytes / entries).toBeLessThan(4096);
  });
});

describe('the bot-auth cache', () => {
  const bus = {
    generation: 1,
    watching: () => true,
    listen: () => Promise.resolve(),
    publish: () => Promise.resolve(),
  } as unknown as WakeupBus;

  it('is bounded by bytes as well as by count, dropping the least recently used', () => {
    const cache = new BotAuthCache<string>(bus, { maxEntries: 1000, maxBytes: 20_000 });
    for (let i = 0; i < 30; i++) {
      cache.put(`d${i}`, `bot${i}`, 'f', 'x', 1000, cache.stateBeforeRead());
      cache.get('d0'); // in use: stays
    }
    const { entries, bytes } = cache.stats();
    expect(bytes).toBeLessThanOrEqual(20_000);
    expect(entries).toBeLessThan(30);
    expect(cache.get('d0')).toBe('x');
    expect(cache.get('d29')).toBe('x');
    expect(cache.get('d1')).toBeUndefined();
    // The per-bot index follows evictions: the audit sees only what is cached.
    expect(cache.fingerprints().size).toBe(entries);
    // An entry larger than the whole cap is not kept at all.
    cache.put('huge', 'botH', 'f', 'x', 50_000, cache.stateBeforeRead());
    expect(cache.get('huge')).toBeUndefined();
  });

  it('keeps at most maxEntries bots, dropping the least recently used', () => {
    const cache = new BotAuthCache<string>(bus, { maxEntries: 5, maxBytes: 1_000_000 });
    for (let i = 0; i < 8; i++) {
      cache.put(`d${i}`, `bot${i}`, 'f', 'x', 10, cache.stateBeforeRead());
      cache.get('d0'); // in use: stays
    }
    expect(cache.stats().entries).toBe(5);
    expect(cache.get('d0')).toBe('x');
    expect(cache.get('d7')).toBe('x');
    expect(cache.get('d1')).toBeUndefined();
    expect(cache.fingerprints().size).toBe(5);
    // Replacing a cached bot's entry makes room for nothing and evicts nothing.
    cache.put('d7', 'bot7', 'g', 'y', 10, cache.stateBeforeRead());
    expect(cache.stats().entries).toBe(5);
    expect(cache.get('d0')).toBe('x');
  });
});

describe('bots per owner', () => {
  it('refuses the owner a bot beyond MAX_BOTS_PER_OWNER, even when asked concurrently', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const tries = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        http
          .post('/api/v1/bot/register')
          .set(bearer(owner))
          .send({ name: `Bot ${i}` }),
      ),
    );
    expect(tries.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(tries.find((r) => r.status === 409)!.body).toEqual({
      error: 'an owner may have at most 3 bots: delete one first',
    });
    const list = await http.get('/api/v1/bot/my-bots').set(bearer(owner)).expect(200);
    expect(list.body.bots).toHaveLength(3);

    await http.delete(`/api/v1/bot/delete/${list.body.bots[0].id}`).set(bearer(owner)).expect(200);
    await registerBot(http, owner);
  });
});

describe('deleting a bot', () => {
  it('frees its username for a new bot; its messages stay', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const username = `del${Date.now().toString(36)}_bot`;
    const first = await registerBot(http, owner, { username });
    const chatId = await openChat(http, owner, first);
    await say(http, owner, chatId, 'hello');
    await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(first))
      .send({ chat_id: chatId, content: 'from the first bot' })
      .expect(200);
    await http.delete(`/api/v1/bot/delete/${first.id}`).set(bearer(owner)).expect(200);

    const other = await registerUser(http);
    const second = await registerBot(http, other, { username });
    expect(second.username).toBe(username);
    expect(second.userId).not.toBe(first.userId);

    const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(owner));
    expect(history.status).toBe(200);
    const old = (history.body.messages as { content: string; sender: { username: string } }[]).find(
      (m) => m.content === 'from the first bot',
    );
    expect(old?.sender.username).not.toBe(username);
  });
});
