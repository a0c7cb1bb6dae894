// The three-reactions-per-member cap under concurrency, and the Telegram form of
// setMessageReaction replacing the bot's set in one transaction.
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, say, userBotChat, type TestBot } from '../support/fixtures';
import { historyOf } from './support';

const t = useTestPlatform();
const gw = (bot: TestBot, method: string, body: object) =>
  supertest(t.current.platform.gateway).post(`/bot${bot.telegramToken}/${method}`).send(body);

const TWELVE = ['👍', '🔥', '🎉', '😀', '😢', '👀', '🙏', '💯', '🤔', '👏', '🥳', '😎'];

type Summary = { emoji: string; user_ids: string[] }[];
const mineIn = (reactions: Summary | undefined, userId: string) =>
  (reactions ?? []).filter((r) => r.user_ids.includes(userId)).map((r) => r.emoji);

describe('reaction cap under concurrency', () => {
  it('12 concurrent emoji from one person leave exactly 3 (on each of 4 messages)', async () => {
    const { http } = t.current;
    const { user, chatId } = await userBotChat(http);
    // Several rounds at once: the race is a matter of timing, one round may miss it.
    const rounds = await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const msg = await say(http, user, chatId, `race me ${i}`);
        const url = `/api/v1/chats/${chatId}/messages/${msg.id}/reactions`;
        const results = await Promise.all(
          TWELVE.map((emoji) => http.post(url).set(bearer(user)).send({ emoji })),
        );
        return { id: msg.id, statuses: results.map((r) => r.status) };
      }),
    );
    const history = await historyOf(http, user, chatId);
    for (const { id, statuses } of rounds) {
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses.filter((s) => s === 400)).toHaveLength(9);
      const m = history.find((h) => h.id === id)!;
      expect(mineIn(m.reactions as Summary, user.id)).toHaveLength(3);
    }
  });

  it('12 concurrent set-reaction calls from one bot leave exactly 3', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const msg = await say(http, user, chatId, 'race me too');
    await Promise.all(
      TWELVE.map((emoji) =>
        gw(bot, 'setMessageReaction', { chat_id: chatId, message_id: msg.id, emoji }),
      ),
    );
    const [m] = await historyOf(http, user, chatId);
    expect(mineIn(m!.reactions as Summary, bot.userId)).toHaveLength(3);
  });
});

describe('setMessageReaction with a whole set (Telegram form)', () => {
  it('replaces the set, refuses more than 3 without changing anything, and [] clears', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const msg = await say(http, user, chatId, 'react');
    const ref = { chat_id: chatId, message_id: msg.id };
    const set = (emojis: string[]) =>
      gw(bot, 'setMessageReaction', {
        ...ref,
        reaction: emojis.map((emoji) => ({ type: 'emoji', emoji })),
      });
    const mine = async () =>
      mineIn((await historyOf(http, user, chatId))[0]!.reactions as Summary, bot.userId);

    await set(['👍', '🔥']).expect(200);
    expect(await mine()).toEqual(['👍', '🔥']);
    const tooMany = await set(['🎉', '😀', '😢', '👀']).expect(400);
    expect(tooMany.body.description).toMatch(/at most 3 reactions/);
    expect(await mine()).toEqual(['👍', '🔥']);
    await set(['🔥', '🎉']).expect(200);
    expect(await mine()).toEqual(['🔥', '🎉']);

    // Concurrent replacements: one of them wins whole, never a mixture over the cap.
    const sets = [
      ['😀', '😢', '👀'],
      ['🙏', '💯', '🤔'],
      ['👏', '🥳', '😎'],
    ];
    await Promise.all(sets.map((s) => set(s).expect(200)));
    const final = await mine();
    expect(sets.map((s) => [...s].sort().join())).toContain([...final].sort().join());

    await set([]).expect(200);
    expect(await mine()).toEqual([]);
  });
});
