import supertest from 'supertest';
import { platformFor, useTestPlatform } from '../support/platform';
import { registerBot, registerUser } from '../support/fixtures';

const t = useTestPlatform();
const asOwner = (token: string) => ({ authorization: `Bearer ${token}` });

describe('bot registry (Quanta dialect)', () => {
  it('runs the owner journey: register → key works → listed → others cannot delete → deleted → 401', async () => {
    const { http } = t.current;
    const alice = await registerUser(http);
    const mallory = await registerUser(http);

    const reg = await http
      .post('/api/v1/bot/register')
      .set(asOwner(alice.token))
      .send({
        name: 'Weather',
        description: 'Forecasts',
        commands: [{ command: 'start', description: 'Start bot' }],
        permissions: ['read_messages'],
      })
      .expect(201);
    const key: string = reg.body.api_key;
    expect(key).toMatch(/^bot_[A-Za-z0-9_-]{43,}$/);
    expect(reg.body.bot).toMatchObject({
      name: 'Weather',
      description: 'Forecasts',
      is_active: true,
      commands: [{ command: 'start', description: 'Start bot' }],
      permissions: ['read_messages'],
    });

    const me = await http.get('/api/v1/bot/me').set('x-bot-token', key).expect(200);
    expect(me.body.bot.id).toBe(reg.body.bot.id);

    await registerBot(http, mallory, { name: 'Other' });
    const mine = await http.get('/api/v1/bot/my-bots').set(asOwner(alice.token)).expect(200);
    expect(mine.body.bots.map((b: { id: string }) => b.id)).toEqual([reg.body.bot.id]);
    expect(JSON.stringify(mine.body)).not.toMatch(/api_key|hash|bot_[A-Za-z0-9_-]{43}/);

    const denied = await http
      .delete(`/api/v1/bot/delete/${reg.body.bot.id}`)
      .set(asOwner(mallory.token))
      .expect(404);
    expect(denied.body).toEqual({ error: 'bot not found' });
    await http.get('/api/v1/bot/me').set('x-bot-token', key).expect(200);

    await http
      .delete(`/api/v1/bot/delete/${reg.body.bot.id}`)
      .set(asOwner(alice.token))
      .expect(200);
    const gone = await http.get('/api/v1/bot/me').set('x-bot-token', key).expect(401);
    expect(gone.body).toEqual({ error: 'invalid bot token' });
    const after = await http.get('/api/v1/bot/my-bots').set(asOwner(alice.token)).expect(200);
    expect(after.body.bots).toEqual([]);
  });

  it('a deleted key is refused at once by a second process sharing the database', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner);
    const second = platformFor(t.current.env);
    try {
      await supertest(second.api).get('/api/v1/bot/me').set('x-bot-token', bot.apiKey).expect(200);
      await http.delete(`/api/v1/bot/delete/${bot.id}`).set(asOwner(owner.token)).expect(200);
      await supertest(second.api).get('/api/v1/bot/me').set('x-bot-token', bot.apiKey).expect(401);
    } finally {
      await second.stop();
    }
  });

  it('set-commands replaces the whole list and /me shows it', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner, {
      commands: [
        { command: 'start', description: 'Start' },
        { command: 'old', description: 'Old one' },
      ],
    });
    const next = [
      { command: 'help', description: 'Show help' },
      { command: 'settings_2', description: 'Open settings' },
    ];
    const res = await http
      .post('/api/v1/bot/set-commands')
      .set('x-bot-token', bot.apiKey)
      .send({ commands: next })
      .expect(200);
    expect(res.body.commands).toEqual(next);
    const me = await http.get('/api/v1/bot/me').set('x-bot-token', bot.apiKey).expect(200);
    expect(me.body.bot.commands).toEqual(next);

    await http
      .post('/api/v1/bot/set-commands')
      .set('x-bot-token', bot.apiKey)
      .send({ commands: [] })
      .expect(200);
    const empty = await http.get('/api/v1/bot/me').set('x-bot-token', bot.apiKey).expect(200);
    expect(empty.body.bot.commands).toEqual([]);
  });

  it.each([
    [{ commands: [{ command: 'Start', description: 'x' }] }, 'commands[0].command: must be 1-32'],
    [{ commands: [{ command: '', description: 'x' }] }, 'commands[0].command: must be 1-32'],
    [
      { commands: [{ command: 'a'.repeat(33), description: 'x' }] },
      'commands[0].command: must be 1-32',
    ],
    [
      { commands: [{ command: 'ok', description: '' }] },
      'commands[0].description: must not be empty',
    ],
    [
      { commands: [{ command: 'ok', description: 'd'.repeat(257) }] },
      'commands[0].description: must be at most 256',
    ],
    [{ commands: [{ command: 'ok' }] }, 'commands[0].description is required'],
    [
      { commands: Array.from({ length: 101 }, (_, i) => ({ command: `c${i}`, description: 'd' })) },
      'at most 100',
    ],
    [{ commands: 'start' }, 'commands: '],
    [{}, 'commands is required'],
  ])('set-commands rejects %j with 400', async (body, message) => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner, {
      commands: [{ command: 'keep', description: 'Kept' }],
    });
    const res = await http
      .post('/api/v1/bot/set-commands')
      .set('x-bot-token', bot.apiKey)
      .send(body)
      .expect(400);
    expect(res.body.error).toContain(message);
    const me = await http.get('/api/v1/bot/me').set('x-bot-token', bot.apiKey).expect(200);
    expect(me.body.bot.commands).toEqual([{ command: 'keep', description: 'Kept' }]);
  });

  it.each([
    [{}, 'name is required'],
    [{ name: '' }, 'name: must not be empty'],
    [{ name: 'x'.repeat(65) }, 'name: must be at most 64'],
    [{ name: 'ok', permissions: ['root'] }, 'permissions[0]: '],
    [{ name: 'ok', avatar: 'javascript:alert(1)' }, 'avatar: must be an http(s) URL or base64'],
    [{ name: 'ok', commands: [{ command: 'BAD', description: 'x' }] }, 'commands[0].command'],
    [{ name: 'ok', username: 'nobotsuffix' }, 'username: must be'],
  ])('register rejects %j with 400', async (body, message) => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const res = await http
      .post('/api/v1/bot/register')
      .set(asOwner(owner.token))
      .send(body)
      .expect(400);
    expect(res.body.error).toContain(message);
    const mine = await http.get('/api/v1/bot/my-bots').set(asOwner(owner.token)).expect(200);
    expect(mine.body.bots).toEqual([]);
  });

  it('accepts a chosen bot username once (409 after)', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const username = `w${Date.now().toString(36)}_bot`;
    const first = await http
      .post('/api/v1/bot/register')
      .set(asOwner(owner.token))
      .send({ name: 'A', username })
      .expect(201);
    expect(first.body.bot.username).toBe(username);
    await http
      .post('/api/v1/bot/register')
      .set(asOwner(owner.token))
      .send({ name: 'B', username })
      .expect(409);
  });

  it('requires the right credentials on every route', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner);
    await http.post('/api/v1/bot/register').send({ name: 'x' }).expect(401);
    await http.get('/api/v1/bot/my-bots').expect(401);
    await http.delete(`/api/v1/bot/delete/${bot.id}`).expect(401);
    // A bot key is not a JWT and a JWT is not a bot key.
    await http.get('/api/v1/bot/my-bots').set('authorization', `Bearer ${bot.apiKey}`).expect(401);
    await http.get('/api/v1/bot/me').set('x-bot-token', owner.token).expect(401);
    await http.get('/api/v1/bot/me').expect(401);
    await http
      .get('/api/v1/bot/me')
      .set('x-bot-token', `bot_${'A'.repeat(43)}`)
      .expect(401);
    await http.post('/api/v1/bot/set-commands').send({ commands: [] }).expect(401);
    await http.delete('/api/v1/bot/delete/not-a-uuid').set(asOwner(owner.token)).expect(404);
  });
});
