// How people find a bot and its commands (issue 14): a public profile by username, and the
// command menu carried by bot members of a chat, kept current when the bot changes it.
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, openChat, registerBot, registerUser } from '../support/fixtures';

const t = useTestPlatform();

describe('bot profiles and command menus', () => {
  it('shows a bot’s public profile by username to anyone signed in, and nothing private', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner, {
      description: 'Tells the time.',
      commands: [{ command: 'now', description: 'The time now' }],
    });
    const stranger = await registerUser(http);
    for (const name of [bot.username, bot.username.toUpperCase(), `@${bot.username}`]) {
      const res = await http
        .get(`/api/v1/bots/by-username/${encodeURIComponent(name)}`)
        .set(bearer(stranger))
        .expect(200);
      expect(res.body).toEqual({
        bot: {
          id: bot.id,
          user_id: bot.userId,
          username: bot.username,
          name: 'Test Bot',
          description: 'Tells the time.',
          short_description: '',
          avatar: null,
          commands: [{ command: 'now', description: 'The time now' }],
        },
      });
    }
    // With the id, the stranger opens a chat with it.
    await http.post('/api/v1/chats').set(bearer(stranger)).send({ bot_id: bot.id }).expect(201);

    // People are not bots; unknown names and bad shapes are 404; a credential is needed.
    await http.get(`/api/v1/bots/by-username/${owner.username}`).set(bearer(stranger)).expect(404);
    await http.get('/api/v1/bots/by-username/nobody_bot').set(bearer(stranger)).expect(404);
    await http.get('/api/v1/bots/by-username/a%20b').set(bearer(stranger)).expect(404);
    await http.get(`/api/v1/bots/by-username/${bot.username}`).expect(401);
    // A deleted bot has no profile.
    await http.delete(`/api/v1/bot/delete/${bot.id}`).set(bearer(owner)).expect(200);
    await http.get(`/api/v1/bots/by-username/${bot.username}`).set(bearer(stranger)).expect(404);
  });

  it('bot members of a chat carry their commands, as the bot last set them', async () => {
    const { http, platform } = t.current;
    const user = await registerUser(http);
    const bot = await registerBot(http, user, {
      commands: [{ command: 'start', description: 'Begin' }],
    });
    const chatId = await openChat(http, user, bot);
    const members = async () =>
      (await http.get(`/api/v1/chats/${chatId}`).set(bearer(user)).expect(200)).body.chat
        .members as { id: string; commands?: unknown }[];
    const botMember = async () => (await members()).find((m) => m.id === bot.userId);
    expect(await botMember()).toMatchObject({
      commands: [{ command: 'start', description: 'Begin' }],
    });
    expect((await members()).find((m) => m.id === user.id)!.commands).toBeUndefined();

    await supertest(platform.gateway)
      .post(`/bot${bot.telegramToken}/setMyCommands`)
      .send({ commands: [{ command: 'help', description: 'How to use me' }] })
      .expect(200);
    expect((await botMember())!.commands).toEqual([
      { command: 'help', description: 'How to use me' },
    ]);
    const list = await http.get('/api/v1/chats').set(bearer(user)).expect(200);
    const listed = list.body.chats[0].members.find((m: { id: string }) => m.id === bot.userId);
    expect(listed.commands).toEqual([{ command: 'help', description: 'How to use me' }]);
  });
});
